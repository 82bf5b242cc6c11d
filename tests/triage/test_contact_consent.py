"""Consent partner by partner, as each person sees it: the owner is asked when a partner accepts
(mail and tracking page, in the owner's language), says yes or no per partner or takes a yes
back; each partner's mails and pages show exactly what the owner allowed; every decision is a
record; until yes, partner and owner write through the portal without seeing each other's
addresses."""

import uuid

import pytest
from django.db import connection as django_connection
from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import EventKind, OutreachEvent, Theme
from portal.outbox.models import Message
from portal.roles import Role
from tests.factories import PartnerFactory, UserFactory, municipality
from triage.models import ContactConsent, Referral, RelayedMessage
from triage.referrals.consent import PARTNER_CONSENT_TEXT_VERSION
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Märta Öberg", "marta.oberg@example.org", "070-765 43 21"
ASSOCIATION = "Byföreningen Ramsberg"
OWNER_DETAILS = (NAME, EMAIL, PHONE, ASSOCIATION)

# What the owner reads, by language: the question in the acceptance mail, the yes button on
# the tracking page, and the thanks after a yes.
ASKED = {
    "sv": ("vet inte vem du är", "Ja, dela mina uppgifter"),
    "en": ("does not know who you are", "Yes, share my details"),
    "ar": ("لا يعرف", "نعم، شارِك بياناتي"),
}


def submit(*, language="sv", share=False, registered_by=None, event=None):
    submitted = services.idea_submit(
        title="Bybuss till Ramsberg",
        description="En buss två gånger i veckan till lanthandeln.",
        municipality=municipality("1885"),
        themes=[Theme.objects.first()],
        submitter_name=NAME,
        submitter_email=EMAIL,
        submitter_phone=PHONE,
        organisation_name=ASSOCIATION,
        organisation_kind="association",
        language=language,
        share_contact_with_partners=share,
        registered_by=registered_by,
        outreach_event=event,
    )
    return submitted


def referred(coordinator, *, partners=2, names="AB", **kwargs):
    """A submitted idea, referred to `partners` partners, each with a logged-in contact."""
    submitted = submit(**kwargs)
    idea = submitted.idea
    for to in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        services.idea_transition(idea=idea, to=to, actor=coordinator)
    chosen = [PartnerFactory(name=f"Partner {letter}") for letter in names[:partners]]
    referrals = idea_refer(
        idea=idea, partners=chosen, note_to_partners="Kan ni hjälpa?", actor=coordinator
    )
    return submitted, referrals


def partner_client(referral: Referral) -> tuple[Client, str]:
    contact = referral.partner.contacts.get()
    if contact.user is None:
        contact.user = UserFactory(roles=[Role.PARTNER_CONTACT])
        contact.save(update_fields=["user"])
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(contact.user)
    return client, contact.email


def accept(referral: Referral) -> None:
    client, _email = partner_client(referral)
    response = client.post(
        reverse("partner_portal:referral_answer", args=[referral.pk]), {"answer": "accept"}
    )
    assert response.status_code == 302


def partner_page(referral: Referral) -> str:
    client, _email = partner_client(referral)
    response = client.get(reverse("partner_portal:referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    return response.content.decode()


def decide(token: str, referral: Referral, decision: str) -> Client:
    owner = Client(enforce_csrf_checks=False)
    response = owner.post(
        reverse("partner_consent:decide", kwargs={"token": token, "referral": referral.public_id}),
        {"decision": decision},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#partner-consent")
    return owner


def mails_to(address: str, key: str = "") -> list[Message]:
    return list(
        Message.objects.filter(recipient=address, idempotency_key__startswith=key).order_by("pk")
    )


def whole(message: Message) -> str:
    return message.subject + message.body_text + message.body_html


def assert_none_of(text: str, values, where: str) -> None:
    for value in values:
        assert value not in text, f"{where} shows {value!r}"


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_a_partner_that_accepts_makes_the_owner_be_asked_in_their_language(coordinator, language):
    submitted, [referral, _other] = referred(coordinator, language=language)
    _client, partner_email = partner_client(referral)

    accept(referral)

    [mail] = mails_to(EMAIL, f"referral-accepted:{referral.pk}")
    question, yes = ASKED[language]
    assert mail.language == language and question in mail.body_text
    assert "Partner A" in mail.body_text
    assert submitted.tracking_token in mail.body_text and "#partner-consent" in mail.body_text
    assert partner_email not in whole(mail) and mail.reply_to == ""

    page = Client().get(reverse("ideas:track", args=[submitted.tracking_token]))
    text = page.content.decode()
    assert f'lang="{language}"' in text
    section = text[text.index('id="partner-consent"') :]
    assert yes in section and "Partner A" in section
    # Only the partner that accepted is asked about; the other has not answered yet.
    assert "Partner B" not in section[: section.index("</section>")]


def test_yes_gives_that_partner_the_details_and_no_keeps_the_other_blind(coordinator):
    submitted, [yes_referral, no_referral] = referred(coordinator, language="en")
    for referral in (yes_referral, no_referral):
        accept(referral)
    blind_before = partner_page(yes_referral)
    assert_none_of(blind_before, OWNER_DETAILS, "the page before the owner's yes")
    assert "en förening i Lindesberg" in blind_before  # the contact's page is in Swedish

    decide(submitted.tracking_token, yes_referral, "given")
    decide(submitted.tracking_token, no_referral, "refused")

    _client, yes_email = partner_client(yes_referral)
    [shared] = mails_to(yes_email, "contact-consent:")
    for detail in OWNER_DETAILS:
        assert detail in shared.body_text, f"the partner's mail lacks {detail!r}"
    yes_page = partner_page(yes_referral)
    for detail in (NAME, EMAIL, PHONE, ASSOCIATION):
        assert detail in yes_page

    _client, no_email = partner_client(no_referral)
    [refused] = mails_to(no_email, "contact-consent:")
    assert "vill hellre inte dela sitt namn" in refused.body_text
    assert "en förening i Lindesberg" in refused.body_text
    assert_none_of(whole(refused), OWNER_DETAILS, "the mail after the owner's no")
    assert_none_of(partner_page(no_referral), OWNER_DETAILS, "the page after the owner's no")

    records = ContactConsent.objects.order_by("pk")
    assert [(r.referral_id, r.decision, r.channel, r.text_version) for r in records] == [
        (yes_referral.pk, "given", "tracking_page", PARTNER_CONSENT_TEXT_VERSION),
        (no_referral.pk, "refused", "tracking_page", PARTNER_CONSENT_TEXT_VERSION),
    ]
    page = Client().get(reverse("ideas:track", args=[submitted.tracking_token])).content.decode()
    assert "You have agreed that they may have your name and contact details." in page
    assert "You have chosen not to share your name and contact details with them." in page
    # The committee reads every decision on the idea's page, with its channel and text version.
    committee = Client(HTTP_ACCEPT_LANGUAGE="sv")
    committee.force_login(coordinator)
    staff_page = committee.get(
        reverse("triage:idea_detail", args=[submitted.idea.reference])
    ).content.decode()
    assert "Gick med på att dela namn och kontaktuppgifter (Idéns sida, textversion 2026-12)" in (
        staff_page
    )
    assert "Valde att inte dela namn och kontaktuppgifter (Idéns sida" in staff_page


def test_the_owner_cannot_decide_for_a_referral_of_another_idea_or_by_guessing(coordinator):
    submitted, [referral, _other] = referred(coordinator)
    _stranger, [strangers_referral] = referred(coordinator, partners=1, names="C")
    accept(referral)
    accept(strangers_referral)
    owner = Client()
    url = reverse(
        "partner_consent:decide",
        kwargs={"token": submitted.tracking_token, "referral": strangers_referral.public_id},
    )

    response = owner.post(url, {"decision": "given"}, follow=True)

    assert "Den här partnern har inte fått din idé." in response.content.decode()
    made_up = reverse(
        "partner_consent:decide", kwargs={"token": "made-up", "referral": uuid.uuid4()}
    )
    assert owner.post(made_up, {"decision": "given"}).status_code == 404
    assert owner.get(url).status_code == 405
    csrf_checked = Client(enforce_csrf_checks=True)
    assert csrf_checked.post(url, {"decision": "given"}).status_code == 403
    # A choice that is not open (no to a partner that has not accepted) changes nothing.
    third, [unanswered] = referred(coordinator, partners=1, names="D")
    decide(third.tracking_token, unanswered, "refused")
    assert not ContactConsent.objects.exists()
    assert not Referral.objects.filter(includes_contact_details=True).exists()


def test_the_forms_consent_is_recorded_per_partner_and_taken_back_on_the_tracking_page(
    coordinator,
):
    submitted, [kept, withdrawn] = referred(coordinator, share=True)
    idea = submitted.idea

    records = ContactConsent.objects.order_by("pk")
    assert [(r.referral_id, r.decision, r.channel, r.text_version) for r in records] == [
        (kept.pk, "given", "form", idea.consent_version),
        (withdrawn.pk, "given", "form", idea.consent_version),
    ]
    assert all(r.decided_at == idea.consent_given_at for r in records)
    _client, withdrawn_email = partner_client(withdrawn)
    [referral_mail] = mails_to(withdrawn_email, "referral:")
    assert NAME in referral_mail.body_text and EMAIL in referral_mail.body_text

    # Before any partner answers, the owner can take the form's consent back per partner.
    decide(submitted.tracking_token, withdrawn, "withdrawn")

    [told] = mails_to(withdrawn_email, "contact-consent:")
    assert "radera hens kontaktuppgifter" in told.subject
    assert_none_of(whole(told), OWNER_DETAILS, "the mail that asks to delete the details")
    assert_none_of(partner_page(withdrawn), OWNER_DETAILS, "the page after the withdrawal")
    kept_page = partner_page(kept)
    assert NAME in kept_page and EMAIL in kept_page
    assert list(ContactConsent.objects.order_by("pk").values_list("decision", flat=True)) == [
        "given",
        "given",
        "withdrawn",
    ]
    # A reminder written after the withdrawal is blind too (the one function decides).
    from triage.referrals.reminders import referral_remind

    referral_remind(Referral.objects.select_related("idea", "partner").get(pk=withdrawn.pk))
    reminders = Message.objects.filter(recipient=withdrawn_email, kind="reminder")
    assert reminders.exists()
    for reminder in reminders:
        assert_none_of(whole(reminder), OWNER_DETAILS, "the reminder after the withdrawal")

    # A change of mind is a new record, never an edit.
    decide(submitted.tracking_token, withdrawn, "given")
    assert ContactConsent.objects.filter(referral=withdrawn).count() == 3
    assert NAME in partner_page(withdrawn)


def test_the_intake_states_the_choice_on_the_spot_and_its_consent_is_recorded_as_intake(
    coordinator, outreach_staff
):
    event = OutreachEvent.objects.create(
        name="Karavanen i Ramsberg", kind=EventKind.CARAVAN_TOUR, municipality=municipality("1885")
    )
    staff = Client(HTTP_ACCEPT_LANGUAGE="sv")
    staff.force_login(outreach_staff)
    session = staff.session
    session["ideas.outreach_event"] = event.pk
    session.save()
    form = staff.get(reverse("ideas:intake_new")).content.decode()
    assert "Invånaren går med på att de partner som utskottet väljer får ta del av" in form

    submitted = submit(share=True, registered_by=outreach_staff, event=event)
    idea = submitted.idea
    for to in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        services.idea_transition(idea=idea, to=to, actor=coordinator)
    idea_refer(idea=idea, partners=[PartnerFactory()], note_to_partners="Hjälp?", actor=coordinator)
    assert ContactConsent.objects.get().channel == "intake"


def test_partner_and_owner_write_through_the_portal_without_seeing_each_others_address(
    coordinator,
):
    submitted, [referral, _other] = referred(coordinator, language="ar")
    client, partner_email = partner_client(referral)
    contact = referral.partner.contacts.get()
    contact.language = "en"
    contact.save(update_fields=["language"])

    response = client.post(
        reverse("partner_portal:referral_message", args=[referral.pk]),
        {"owner-message-text": "Kan vi ses i bygdegården på torsdag?"},
    )
    assert response.status_code == 302

    [relayed] = mails_to(EMAIL, "relayed:")
    assert relayed.language == "ar" and "Kan vi ses i bygdegården på torsdag?" in relayed.body_text
    assert "Partner A" in relayed.body_text and submitted.tracking_token in relayed.body_text
    assert partner_email not in whole(relayed) and relayed.reply_to == ""
    assert contact.name not in whole(relayed)

    track = reverse("ideas:track", args=[submitted.tracking_token])
    page = Client().get(track).content.decode()
    assert "Kan vi ses i bygdegården på torsdag?" in page
    prefix = f"reply-{str(referral.public_id)[:8]}"
    reply_url = reverse(
        "partner_consent:reply",
        kwargs={"token": submitted.tracking_token, "referral": referral.public_id},
    )
    # An empty answer comes back beside its field, in the owner's language.
    empty = Client().post(reply_url, {f"{prefix}-text": "  "})
    assert empty.status_code == 400
    assert "اكتب ردّك." in empty.content.decode()
    long_text = "x" * 5001
    too_long = Client().post(reply_url, {f"{prefix}-text": long_text})
    assert too_long.status_code == 400 and long_text in too_long.content.decode()

    answered = Client().post(reply_url, {f"{prefix}-text": "Ja, klockan tio passar bra."})
    assert answered.status_code == 302

    [answer] = mails_to(partner_email, "relayed:")
    assert answer.language == "en" and "Ja, klockan tio passar bra." in answer.body_text
    assert "an association in Lindesberg" in answer.body_text
    assert_none_of(whole(answer), OWNER_DETAILS, "the owner's relayed answer")
    assert answer.reply_to == ""
    thread = partner_page(referral)
    assert thread.index("Kan vi ses i bygdegården") < thread.index("Ja, klockan tio passar bra.")
    assert_none_of(thread, OWNER_DETAILS, "the partner's page with the conversation")
    assert list(RelayedMessage.objects.values_list("direction", flat=True)) == [
        "to_owner",
        "to_partner",
    ]
    committee = Client(HTTP_ACCEPT_LANGUAGE="sv")
    committee.force_login(coordinator)
    staff_page = committee.get(
        reverse("triage:idea_detail", args=[submitted.idea.reference])
    ).content.decode()
    assert "Från partnern till idébäraren: " in staff_page
    assert "Ja, klockan tio passar bra." in staff_page


def test_the_owner_cannot_answer_a_partner_that_has_not_written_or_another_ideas(coordinator):
    submitted, [referral, _other] = referred(coordinator)
    prefix = f"reply-{str(referral.public_id)[:8]}"
    url = reverse(
        "partner_consent:reply",
        kwargs={"token": submitted.tracking_token, "referral": referral.public_id},
    )
    assert Client().post(url, {f"{prefix}-text": "Hej!"}).status_code == 404
    # A partner that accepted but has not written: the owner is told so, nothing is sent.
    accept(referral)
    told = Client().post(url, {f"{prefix}-text": "Hej!"}, follow=True)
    assert "Du kan svara en partner här när den har skrivit till dig." in told.content.decode()
    # Another idea's referral, even one that wrote to its owner, is not this owner's to answer.
    _other_owner, [strangers] = referred(coordinator, partners=1, names="C")
    client, _email = partner_client(strangers)
    client.post(
        reverse("partner_portal:referral_message", args=[strangers.pk]),
        {"owner-message-text": "Hej från C"},
    )
    foreign = reverse(
        "partner_consent:reply",
        kwargs={"token": submitted.tracking_token, "referral": strangers.public_id},
    )
    prefix = f"reply-{str(strangers.public_id)[:8]}"
    assert Client().post(foreign, {f"{prefix}-text": "Hej!"}).status_code == 404
    assert list(RelayedMessage.objects.values_list("direction", flat=True)) == ["to_owner"]
    # No answer went to any partner.
    assert not Message.objects.filter(
        idempotency_key__startswith="relayed:", idempotency_key__contains=":contact:"
    ).exists()


def test_a_partner_with_an_empty_message_gets_the_error_beside_the_field(coordinator):
    _submitted, [referral, _other] = referred(coordinator)
    client, _email = partner_client(referral)
    response = client.post(
        reverse("partner_portal:referral_message", args=[referral.pk]),
        {"owner-message-text": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv ditt meddelande." in html and 'href="#id_owner-message-text"' in html
    assert not RelayedMessage.objects.exists()


def test_no_partner_address_in_any_mail_to_the_owner(coordinator):
    """Whatever happens on the partner's side, the owner's mails carry no partner address."""
    submitted, referrals = referred(coordinator, share=True)
    for referral in referrals:
        accept(referral)
    partner_addresses = {r.partner.contacts.get().email for r in referrals}
    owner_mails = Message.objects.filter(recipient=EMAIL)
    assert owner_mails.count() >= 3
    for mail in owner_mails:
        assert mail.reply_to == ""
        assert_none_of(whole(mail), partner_addresses, f"the owner's mail {mail.subject!r}")
    # The form's consent was given for both: the acceptance mails say so, and ask nothing.
    for referral in referrals:
        [accepted] = mails_to(EMAIL, f"referral-accepted:{referral.pk}")
        assert "Du har godkänt att vi delar dina kontaktuppgifter" in accepted.body_text
        assert "vet inte vem du är" not in accepted.body_text


def test_the_tracking_page_takes_the_same_queries_however_many_partners_and_messages(
    coordinator, django_assert_num_queries
):
    submitted, [first, second] = referred(coordinator)
    accept(first)
    path = reverse("ideas:track", args=[submitted.tracking_token])
    Client().get(path)  # warms what is cached once (the session, the vocabulary)
    # the 7 of the page without referrals (tests/ideas/test_queries.py, the referrals' query
    # among them), then read once for the ledger and the consent lines alike: the referrals'
    # answers, events, consents, relayed messages and support reports, and the mails; and the
    # line of the ideas handled together with it (triage.review.merges)
    with django_assert_num_queries(13):
        Client().get(path)
    accept(second)
    client, _email = partner_client(second)
    for text in ("Hej!", "Är ni kvar?"):
        client.post(
            reverse("partner_portal:referral_message", args=[second.pk]),
            {"owner-message-text": text},
        )
    decide(submitted.tracking_token, first, "given")
    with django_assert_num_queries(13):
        Client().get(path)


# The reference data (municipalities, themes) comes back after the flush of an earlier test.
@pytest.mark.skipif(
    django_connection.vendor == "postgresql",
    reason="runs in make test (SQLite): on PostgreSQL, migrating back and forth inside a "
    "serialized-rollback test leaves content types that break the next test's restore",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_records_the_consent_of_referrals_already_sent_with_contact_details():
    """Referrals made before consent per partner: those that went out with the details (and
    the owner's consent, not erased) keep them, with a record of the form's consent; each
    referral gets its own random public id."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import IdeaFactory

    with_consent = IdeaFactory(share_contact_with_partners=True, referred=True)
    without = IdeaFactory(share_contact_with_partners=False, referred=True)
    partner = PartnerFactory()
    before, after = (
        [("triage", "0010_follow_up_survey")],
        [("triage", "0011_contact_consent")],
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("triage", "Referral")
    old.objects.create(
        idea_id=with_consent.pk, partner_id=partner.pk, includes_contact_details=True
    )
    # Sent with the details, but the owner's consent was taken off since: no details any more.
    old.objects.create(idea_id=without.pk, partner_id=partner.pk, includes_contact_details=True)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    shared, blind = Referral.objects.order_by("idea__share_contact_with_partners").reverse()
    assert (shared.includes_contact_details, blind.includes_contact_details) == (True, False)
    assert shared.public_id != blind.public_id and shared.public_id.version == 4
    [record] = ContactConsent.objects.all()
    assert (record.referral_id, record.decision, record.channel, record.text_version) == (
        shared.pk,
        "given",
        "form",
        with_consent.consent_version,
    )


@pytest.mark.parametrize(
    ("language", "given", "refused", "withdrawn"),
    [
        (
            "sv",
            "Du sa ja till att de får ditt namn och dina kontaktuppgifter.",
            "Du sa nej till att de får ditt namn och dina kontaktuppgifter.",
            "Du tog tillbaka ditt ja.",
        ),
        (
            "ar",
            "وافقتَ على أن يحصلوا على اسمك وبيانات الاتصال بك.",
            "اخترتَ ألّا تعطيهم اسمك وبيانات الاتصال بك.",
            "سحبتَ موافقتك",
        ),
    ],
)
def test_each_decision_is_in_the_owners_ledger_and_in_my_data(
    coordinator, language, given, refused, withdrawn
):
    """The owner's record of who got the idea names each of their decisions, partner by
    partner, in their language, on the tracking page and in "my data"."""
    submitted, [yes_referral, no_referral] = referred(coordinator, language=language)
    for referral in (yes_referral, no_referral):
        accept(referral)
    decide(submitted.tracking_token, yes_referral, "given")
    decide(submitted.tracking_token, no_referral, "refused")
    token = submitted.tracking_token
    ledger = Client().get(reverse("ideas:track", args=[token])).content.decode()
    ledger = ledger[ledger.index('id="ledger"') :]
    assert given in ledger and refused in ledger and withdrawn not in ledger

    decide(token, yes_referral, "withdrawn")
    ledger = Client().get(reverse("ideas:track", args=[token])).content.decode()
    assert withdrawn in ledger[ledger.index('id="ledger"') :]
    data = Client().post(reverse("ideas:my_data", args=[token])).json()
    events = [[event["what"] for event in line["events"]] for line in data["ledger"]]
    assert sorted(events) == sorted([["consent_given", "consent_withdrawn"], ["consent_refused"]])
