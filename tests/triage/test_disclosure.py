"""What a partner may know of the idea's owner, on every path a partner reads: the referral
mail, the reminder, the escalation, the answer page behind the link and the partner's pages.

Each path is walked for a private person and an association, with and without consent, and
after erasure; the owner's name, email and phone, and an association's name, appear exactly when
the owner allowed it. Blind, the partner reads the kind of owner and the municipality.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ideas.models import Idea, OrganisationKind
from ideas.services import idea_erase_personal_data
from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import IdeaFactory, PartnerFactory, UserFactory
from triage.models import Referral
from triage.referrals.consent import contact_consent_decide
from triage.referrals.disclosure import what_partner_may_know
from triage.referrals.reminders import referral_escalate, referral_remind
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Anna Andersson", "anna.andersson@example.org", "070-123 45 67"
ASSOCIATION = "Byföreningen Ramsberg"
LINK = re.compile(r"https?://[^/\s]+(/referral/answer/[^/\s]+/)")

# (kind of owner, consent, erased) -> what the partner may see
CASES = {
    "private person without consent": (OrganisationKind.PRIVATE_PERSON, False, False),
    "private person with consent": (OrganisationKind.PRIVATE_PERSON, True, False),
    "association without consent": (OrganisationKind.ASSOCIATION, False, False),
    "association with consent": (OrganisationKind.ASSOCIATION, True, False),
    "erased after a referral with consent": (OrganisationKind.ASSOCIATION, True, True),
}


def expected(kind, consent, erased) -> dict[str, bool]:
    contact = consent and not erased
    return {
        NAME: contact,
        EMAIL: contact,
        PHONE: contact,
        # Blind first: an association's name says who its people are, so it goes with consent.
        ASSOCIATION: contact and kind == OrganisationKind.ASSOCIATION,
    }


# The municipality of the factory's ideas is Hällefors.
BLIND = {
    OrganisationKind.PRIVATE_PERSON: "en invånare i Hällefors",
    OrganisationKind.ASSOCIATION: "en förening i Hällefors",
}


def referred(coordinator, kind, consent, erased) -> tuple[Idea, Referral, object]:
    idea = IdeaFactory(
        in_review=True,
        title="Bybuss i Tiveden",
        submitter_name=NAME,
        submitter_email=EMAIL,
        submitter_phone=PHONE,
        share_contact_with_partners=consent,
        organisation_kind=kind,
        organisation_name=ASSOCIATION if kind == OrganisationKind.ASSOCIATION else "",
    )
    partner = PartnerFactory()
    contact = partner.contacts.get()
    [referral] = idea_refer(
        idea=idea, partners=[partner], note_to_partners="Kan ni köra bussen?", actor=coordinator
    )
    if erased:
        idea_erase_personal_data(idea=idea)
    referral = Referral.objects.select_related("idea", "partner").get(pk=referral.pk)
    return idea, referral, contact


def assert_shows(text: str, allowed: dict[str, bool], where: str) -> None:
    for value, may in allowed.items():
        assert (value in text) is may, f"{where}: {value!r} {'missing' if may else 'shown'}"


@pytest.mark.parametrize("case", CASES)
def test_every_partner_path_shows_the_owner_exactly_as_the_owner_allowed(client, coordinator, case):
    kind, consent, erased = CASES[case]
    allowed = expected(kind, consent, erased)
    idea, referral, contact = referred(coordinator, kind, consent, erased)

    # The referral mail, as it stands in the outbox (erasure rewrites stored rows too).
    mail = Message.objects.get(kind=MessageKind.REFERRAL, recipient=contact.email)
    assert_shows(mail.body_text + mail.body_html + mail.subject, allowed, "referral mail")

    # The reminder and the escalation, written after the referral (and after any erasure).
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=20))
    referral.refresh_from_db()
    referral_remind(referral)
    reminder = Message.objects.get(kind=MessageKind.REMINDER, recipient=contact.email)
    assert_shows(reminder.body_text + reminder.body_html, allowed, "reminder")
    referral_escalate(referral)
    escalation = Message.objects.filter(idempotency_key__startswith="referral-escalation:")
    assert escalation.exists()
    # The coordinator's notice says in one line what the partner knows of the owner.
    for notice in escalation:
        assert_shows(
            notice.body_text + notice.body_html,
            {NAME: allowed[NAME], ASSOCIATION: allowed[ASSOCIATION]},
            "escalation",
        )

    # The answer page behind the reminder's signed link.
    link = LINK.search(reminder.body_text).group(1)
    answer_page = Client().get(link)
    assert answer_page.status_code == 200
    assert_shows(answer_page.content.decode(), allowed, "answer page")

    # The logged-in partner's pages: the list and the referral's page.
    user = UserFactory(roles=[Role.PARTNER_CONTACT])
    contact.user = user
    contact.save()
    client.force_login(user)
    listing = client.get(reverse("partner_portal:referral_list")).content.decode()
    assert "Bybuss i Tiveden" in listing
    # The list says in one line whose idea it is: never an email or a phone number.
    assert_shows(
        listing,
        {NAME: allowed[NAME], ASSOCIATION: allowed[ASSOCIATION], EMAIL: False, PHONE: False},
        "partner list",
    )
    detail = client.get(reverse("partner_portal:referral_detail", args=[referral.pk]))
    assert_shows(detail.content.decode(), allowed, "partner page")
    if not consent and not erased:  # whose idea it is, without a name
        for text, where in ((mail.body_text, "referral mail"), (listing, "partner list")):
            assert BLIND[kind] in text, f"{where}: no {BLIND[kind]!r}"


def test_the_disclosure_names_the_level_and_a_one_line_owner(coordinator):
    _idea, referral, _contact = referred(coordinator, OrganisationKind.ASSOCIATION, False, False)
    known = what_partner_may_know(referral)
    assert (known.level, known.organisation, known.name, known.email) == ("nothing", "", "", "")
    with translation.override("en"):
        assert known.display == "an association in Hällefors"
    with translation.override("sv"):
        assert known.display == "en förening i Hällefors"

    _idea, referral, _contact = referred(coordinator, OrganisationKind.PRIVATE_PERSON, True, False)
    known = what_partner_may_know(referral)
    assert (known.level, known.name, known.email, known.phone) == ("contact", NAME, EMAIL, PHONE)


def test_consent_withdrawn_after_the_referral_hides_the_contact_details(coordinator):
    idea, referral, _contact = referred(coordinator, OrganisationKind.PRIVATE_PERSON, True, False)
    contact_consent_decide(idea=idea, public_id=referral.public_id, decision="withdrawn")
    referral = Referral.objects.select_related("idea").get(pk=referral.pk)
    assert what_partner_may_know(referral).level == "nothing"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("sv", "Partner ser namnet bara om du har sagt ja till att de får dina uppgifter."),
        ("en", "Partners see this name only if you have agreed that they may have your details."),
        ("ar", "لا يرى الشركاء هذا الاسم إلا إذا وافقت على أن يحصلوا على بياناتك."),
    ],
)
def test_the_form_tells_an_association_that_partners_see_its_name_only_with_consent(
    db, language, sentence
):
    """Blind first: the association's name goes to a partner only with the owner's consent;
    the form says so next to the field, in the resident's language, before anything is sent."""
    page = Client(headers={"accept-language": language}).get(reverse("ideas:submit"))
    html = page.content.decode()
    assert f'<html lang="{language}"' in html
    field_help = html[html.index('id="id_organisation_name_helptext"') :][:400]
    assert sentence in field_help


@pytest.mark.parametrize("case", [case for case in CASES if not CASES[case][2]])
def test_erasure_tells_exactly_the_partners_that_got_the_details_to_delete_them(coordinator, case):
    kind, consent, _erased = CASES[case]
    idea, referral, contact = referred(coordinator, kind, consent, erased=False)
    contact.language = "en"
    contact.save(update_fields=["language"])

    idea_erase_personal_data(idea=idea)

    told = Message.objects.filter(recipient=contact.email, subject__contains="delete")
    assert told.exists() is consent, f"{case}: the partner {'was not' if consent else 'was'} told"
    for mail in told:
        text = mail.subject + mail.body_text + mail.body_html
        assert idea.reference in mail.subject and referral.partner.name in mail.body_text
        assert "Please delete the idea owner's contact details" in mail.subject
        assert "Radera" not in text, "the mail is not in the contact's language"
        for detail in (NAME, EMAIL, PHONE, ASSOCIATION):
            assert detail not in text, f"the mail to delete the details repeats {detail!r}"


@pytest.mark.parametrize("consent", [True, False])
def test_the_tracking_page_says_who_got_the_idea_what_they_got_and_answered(
    client, coordinator, consent
):
    idea = IdeaFactory(
        in_review=True, language="en", submitter_name=NAME, share_contact_with_partners=consent
    )
    token = idea.tracking_token
    partner = PartnerFactory(name="Bygdegården Tiveden")
    idea_refer(idea=idea, partners=[partner], note_to_partners="Kan ni hjälpa?", actor=coordinator)

    page = client.get(reverse("ideas:track", args=[token]), HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()

    assert "Who has received your idea" in text and "Vilka som har fått din idé" not in text
    assert "Bygdegården Tiveden" in text
    assert "Has your idea and will answer" in text
    got, did_not = (
        "They got your name and contact details.",
        "They did not get your name or contact details.",
    )
    assert (got in text, did_not in text) == (consent, not consent)
