"""Partners keep their own entry: a partner contact edits and confirms its organisation's entry,
every change is kept (who, when, old and new value), the coordinator sees the changes and the
entries gone stale, a reminder asks for a confirmation once a period, a stale entry is left out
of suggestions, and a stated availability stands in for the administrator's number."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from partners.matching import rank_partners
from partners.models import (
    ChangeSource,
    Partner,
    PartnerContact,
    PartnerEntryChange,
    current_term,
)
from partners.registry_io import registry_import
from partners.selectors import idea_profile, matching_weights, partner_profiles
from partners.tasks import send_entry_reminders
from portal.outbox.models import Message
from portal.roles import Role
from portal.spreadsheets import csv_delimiter
from tests.factories import (
    IdeaFactory,
    PartnerContactFactory,
    PartnerFactory,
    SupportKindFactory,
    ThemeFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

ENTRY = reverse("partner_portal:entry")


def _partner_with_login(language="en", **kwargs):
    partner = PartnerFactory(contacts=0, **kwargs)
    partner.municipalities.set([municipality("1885")])
    user = UserFactory(roles=[Role.PARTNER_CONTACT])
    contact = PartnerContactFactory(partner=partner, user=user, name="Anna Berg", language=language)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return partner, contact, client


def _entry_form(partner, contact, **changes):
    """What the entry page sends back unchanged, with `changes` on top."""
    data = {
        "description": partner.description,
        "themes": [t.pk for t in partner.themes.all()],
        "support_kinds": [s.pk for s in partner.support_kinds.all()],
        "municipalities": [m.pk for m in partner.municipalities.all()],
        "languages": ", ".join(partner.languages),
        "available_places": "",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "1",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-id": str(contact.pk),
        "contacts-0-name": contact.name,
        "contacts-0-email": contact.email,
        "contacts-0-role": contact.role,
        "contacts-0-language": contact.language,
        "contacts-0-receives_referrals": "on",
        "contacts-1-name": "",
        "contacts-1-email": "",
        "contacts-1-role": "",
        "contacts-1-language": "sv",
        # A new contact's box is ticked from the start, as the browser sends it.
        "contacts-1-receives_referrals": "on",
    }
    if partner.covers_whole_county:
        data["covers_whole_county"] = "on"
    if partner.listed_publicly:
        data["listed_publicly"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_partner_contact_updates_its_entry_and_every_change_is_kept_with_old_and_new_value():
    partner, contact, client = _partner_with_login(description="Vi hjälper byar.")
    fibre = ThemeFactory(slug="fibre", name_sv="Fiber", name_en="Fibre")
    premises = SupportKindFactory(slug="premises", name_sv="Lokaler", name_en="Premises")
    page = client.get(ENTRY)
    assert page.status_code == 200
    assert "Your organisation's entry" in page.content.decode()
    partner.confirmed_at = timezone.now() - timedelta(days=100)
    partner.save()

    response = client.post(
        ENTRY,
        _entry_form(
            partner,
            contact,
            description="Vi hjälper byar med fiber.",
            themes=[fibre.pk],
            support_kinds=[premises.pk],
            available_places="2",
            listed_publicly="on",
            **{
                "contacts-1-name": "Bo Ek",
                "contacts-1-email": "bo@byalaget.example.org",
                "contacts-1-language": "sv",
            },
        ),
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.description == "Vi hjälper byar med fiber."
    assert (partner.available_places, partner.availability_term) == (2, current_term())
    assert partner.places == 2 and partner.listed_publicly
    assert partner.contacts.filter(email="bo@byalaget.example.org").exists()
    # Saving is looking the entry through: it counts as confirmed, by this contact.
    assert partner.confirmed_by == contact
    assert timezone.now() - partner.confirmed_at < timedelta(minutes=1)

    changes = {c.field: c for c in PartnerEntryChange.objects.filter(partner=partner)}
    assert changes["description"].old_value == "Vi hjälper byar."
    assert changes["description"].new_value == "Vi hjälper byar med fiber."
    assert changes["themes"].old_value == "" and changes["themes"].new_value == "Fiber"
    assert changes["listed_publicly"].new_value in ("yes", "ja")
    assert "bo@byalaget.example.org" in changes["contacts"].new_value
    assert changes["available_places"].new_value.startswith("2")
    assert "confirmed_at" in changes
    description = changes["description"]
    assert description.source == ChangeSource.PARTNER
    assert description.actor == contact.user and "Anna Berg" in description.actor_name


def test_an_entry_with_errors_is_refused_next_to_the_field_and_keeps_what_was_typed():
    partner, contact, client = _partner_with_login()
    response = client.post(
        ENTRY,
        _entry_form(
            partner, contact, description="Ny text som inte får försvinna.", municipalities=[]
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ny text som inte får försvinna." in page
    assert "Choose the municipalities you work in, or tick the whole county." in page
    assert 'href="#id_municipalities_0"' in page  # the summary leads to the field
    partner.refresh_from_db()
    assert partner.description == "" and not PartnerEntryChange.objects.exists()


def test_a_contact_cannot_remove_itself_nor_leave_no_one_receiving_referrals():
    partner, contact, client = _partner_with_login()
    response = client.post(ENTRY, _entry_form(partner, contact, **{"contacts-0-DELETE": "on"}))
    assert response.status_code == 400
    assert "You cannot remove yourself." in response.content.decode()
    response = client.post(
        ENTRY, _entry_form(partner, contact, **{"contacts-0-receives_referrals": None})
    )
    assert response.status_code == 400
    assert "at least one contact who receives referrals" in response.content.decode()
    assert partner.contacts.get().receives_referrals


def test_a_partner_contact_never_reaches_another_partners_entry():
    partner, contact, client = _partner_with_login()
    other = PartnerFactory(name="Annan förening", description="Deras text.")
    other_contact = other.contacts.get()
    their_name = other_contact.name
    # The registry's pages are the committee's.
    assert client.get(reverse("partners:detail", args=[other.slug])).status_code == 403
    assert client.get(reverse("partners:changes")).status_code == 403
    # Another partner's contact sent in the form is not one of this entry's contacts.
    data = _entry_form(
        partner, contact, **{"contacts-0-id": str(other_contact.pk), "contacts-0-name": "Kapad"}
    )
    client.post(ENTRY, data)
    assert not PartnerContact.objects.filter(name="Kapad").exists()
    other_contact.refresh_from_db()
    assert other_contact.partner == other and other_contact.name == their_name
    # A login that is no partner's contact has no entry to edit.
    stray = UserFactory(roles=[Role.PARTNER_CONTACT])
    client.force_login(stray)
    assert client.get(ENTRY).status_code == 404


def test_a_partner_confirms_its_entry_in_one_click_on_its_start_page():
    partner, contact, client = _partner_with_login()
    partner.confirmed_at = timezone.now() - timedelta(days=400)
    partner.save()
    start = client.get(reverse("partner_portal:referral_list")).content.decode()
    assert "Confirm the entry is correct" in start and "Not confirmed since" in start
    response = client.post(reverse("partner_portal:entry_confirm"))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert not partner.is_stale() and partner.confirmed_by == contact
    start = client.get(reverse("partner_portal:referral_list")).content.decode()
    assert "by Anna Berg" in start and "Not confirmed since" not in start
    assert PartnerEntryChange.objects.get(partner=partner).field == "confirmed_at"


def test_the_coordinator_sees_recent_changes_and_the_entries_not_confirmed(coordinator_client):
    partner, contact, client = _partner_with_login(description="Förr.")
    client.post(ENTRY, _entry_form(partner, contact, description="Nu."))
    stale = PartnerFactory(name="Gammal förening")
    Partner.objects.filter(pk=stale.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    page = coordinator_client.get(reverse("partners:changes"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Anna Berg" in text and partner.name in text and "Förr." in text and "Nu." in text
    assert "description" in text
    stale_section = text[text.index('id="stale-heading"') : text.index('id="changes-heading"')]
    assert "Gammal förening" in stale_section and partner.name not in stale_section
    listing = coordinator_client.get(reverse("partners:list"), HTTP_ACCEPT_LANGUAGE="en")
    row = re.search(r"Gammal förening.*?</td>", listing.content.decode(), re.S).group(0)
    assert "not confirmed since" in row


def test_the_admin_and_the_import_record_their_changes_too(client, coordinator_client):
    from tests.partners.test_models import _admin_post

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    contact = {"name": "Kim", "email": "kim@example.org", "role": "", "language": "sv"}
    response = client.post(
        reverse("admin:partners_partner_add"),
        _admin_post({"is_active": "on"}, [{**contact, "receives_referrals": "on"}]),
    )
    assert response.status_code == 302
    created = Partner.objects.get(slug="nya-foreningen")
    name = PartnerEntryChange.objects.get(partner=created, field="name")
    assert (name.old_value, name.new_value, name.source) == ("", "Nya föreningen", "admin")
    assert name.actor_name == "root"

    exported = coordinator_client.get(reverse("partners:export", args=["csv"]), {"codes": "1"})
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=csv_delimiter(text)))
    column = rows[0].index("capacity")
    rows[1][column] = "7"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    report = registry_import(content=out.getvalue().encode(), file_format="csv", dry_run=False)
    assert report.imported, report.errors
    change = PartnerEntryChange.objects.get(partner=created, field="capacity", source="import")
    assert (change.old_value, change.new_value) == ("3", "7")


def _stale_and_fresh(theme):
    stale = PartnerFactory(name="Stale förening")
    fresh = PartnerFactory(name="Fresh förening")
    for partner in (stale, fresh):
        partner.themes.set([theme])
        partner.municipalities.set([municipality("1885")])
    Partner.objects.filter(pk=stale.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    return stale, fresh


def test_a_stale_entry_is_left_out_of_suggestions_but_may_still_be_chosen(coordinator_client):
    fibre = ThemeFactory(slug="fibre", name_sv="Fiber", name_en="Fibre")
    idea = IdeaFactory(themes=[fibre], municipality=municipality("1885"), in_review=True)
    stale, fresh = _stale_and_fresh(fibre)
    response = coordinator_client.get(
        reverse("triage:idea_detail", args=[idea.reference]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    suggested = [s.partner.id for s in response.context["suggestions"]]
    assert fresh.pk in suggested and stale.pk not in suggested
    section = page[page.index('id="suggestions-heading"') :]
    section = section[: section.index("</section>")]
    assert "Fresh förening" in section and "Stale förening" not in section
    date = timezone.localtime(Partner.objects.get(pk=stale.pk).confirmed_at)
    assert re.search(r"Stale förening \(entry not confirmed since [^)]+\)", page)
    assert str(date.year)[-2:] in page
    # Confirmed again, it is suggested again.
    Partner.objects.filter(pk=stale.pk).update(confirmed_at=timezone.now())
    response = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert stale.pk in [s.partner.id for s in response.context["suggestions"]]


def test_a_stated_availability_replaces_the_administrators_number_this_term_only():
    fibre = ThemeFactory(slug="fibre", name_sv="Fiber", name_en="Fibre")
    stated = PartnerFactory(name="Stated", capacity=9, available_places=2)
    stated.availability_term = current_term()
    stated.save()
    last_term = PartnerFactory(name="Last term", capacity=4, available_places=1)
    last_term.availability_term = "2001-1"
    last_term.save()
    plain = PartnerFactory(name="Plain", capacity=3)
    for partner in (stated, last_term, plain):
        partner.themes.set([fibre])
    profile = idea_profile(IdeaFactory(themes=[fibre]))
    loaded = {p.id: p for p in partner_profiles(profile)}
    assert {pk: p.capacity for pk, p in loaded.items()} == {
        stated.pk: 2,
        last_term.pk: 4,
        plain.pk: 3,
    }
    assert {p.pk: p.places for p in (stated, last_term, plain)} == {
        stated.pk: 2,
        last_term.pk: 4,
        plain.pk: 3,
    }
    ranked = {m.partner.id: m for m in rank_partners(profile, loaded.values(), matching_weights())}
    with translation.override("en"):
        texts = [reason.text for reason in ranked[stated.pk].reasons]
        assert "says it can take 2 more this term" in texts
        assert not any("this term" in r.text for r in ranked[plain.pk].reasons)
    with translation.override("sv"):
        assert "säger att den kan ta 2 till den här terminen" in [
            reason.text for reason in ranked[stated.pk].reasons
        ]


def _outbox_for(contact):
    return list(Message.objects.filter(recipient=contact.email).order_by("pk"))


def test_the_reminder_task_asks_each_contact_once_in_its_language_and_the_link_confirms(
    settings,
):
    settings.PARTNER_CONFIRM_REMINDER_MONTHS = 6
    partner = PartnerFactory(name="Byalaget Ramsberg", contacts=0)
    swedish = PartnerContactFactory(partner=partner, name="Sven", language="sv")
    english = PartnerContactFactory(partner=partner, name="Emma", language="en")
    fresh = PartnerFactory(name="Nyss bekräftad")
    Partner.objects.filter(pk=partner.pk).update(confirmed_at=timezone.now() - timedelta(days=200))

    assert send_entry_reminders() == {"partners": 1, "mails": 2}
    assert send_entry_reminders() == {"partners": 0, "mails": 0}  # no second one this period
    assert not Message.objects.filter(recipient=fresh.contacts.get().email).exists()
    [sv_mail], [en_mail] = _outbox_for(swedish), _outbox_for(english)
    assert sv_mail.language == "sv" and "Byalaget Ramsberg" in sv_mail.subject
    assert "Hej Sven" in sv_mail.body_text and "Hello" not in sv_mail.body_text
    assert "Hello Emma" in en_mail.body_text and "Hej" not in en_mail.body_text
    assert "Confirm the entry is correct" in en_mail.body_html

    link = re.search(r"https?://\S+/partner/confirm/\S+/", en_mail.body_text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    shown = visitor.get(f"/{path}")
    assert shown.status_code == 200 and "Confirm the entry is correct" in shown.content.decode()
    partner.refresh_from_db()
    assert partner.is_stale() is False and partner.confirmed_by is None  # a GET changes nothing
    confirmed = visitor.post(f"/{path}")
    assert confirmed.status_code == 200 and "is confirmed as correct" in confirmed.content.decode()
    partner.refresh_from_db()
    assert partner.confirmed_by == english
    assert timezone.now() - partner.confirmed_at < timedelta(minutes=1)
    assert send_entry_reminders() == {"partners": 0, "mails": 0}
    # A made-up or altered link finds nothing.
    assert visitor.get(f"/{path[:-3]}x/").status_code == 404


def test_the_confirm_link_expires_and_a_removed_contact_confirms_nothing(settings):
    from partners.entries import confirm_url

    partner = PartnerFactory(contacts=0)
    contact = PartnerContactFactory(partner=partner)
    path = "/" + confirm_url(contact=contact).split("://", 1)[1].split("/", 1)[1]
    settings.PARTNER_CONFIRM_LINK_DAYS = -1
    assert Client().post(path).status_code == 410
    settings.PARTNER_CONFIRM_LINK_DAYS = 60
    contact.delete()
    assert Client().post(path).status_code == 404


def test_the_open_data_says_when_the_entry_was_last_confirmed(client):
    premises = SupportKindFactory(slug="premises", name_sv="Lokaler", name_en="Premises")
    partner = PartnerFactory(listed_publicly=True)
    partner.support_kinds.set([premises])
    confirmed = timezone.now() - timedelta(days=30)
    Partner.objects.filter(pk=partner.pk).update(confirmed_at=confirmed)
    [service] = client.get(reverse("hsds:services")).json()["contents"]
    assert service["assured_date"] == timezone.localtime(confirmed).date().isoformat()
