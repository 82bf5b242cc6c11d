"""The rules where the roles meet, each through the real services and pages: who may move what,
what the idea's owner reads, and how an idea follows its referrals."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Theme
from portal.outbox.models import Message
from tests.factories import IdeaFactory, PartnerFactory, SupportKindFactory, municipality
from tests.triage.test_partner_answers import partner_login, referral_link
from triage.models import Referral, ReferralState
from triage.referrals.answers import AnswerError, referral_answer, support_report
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

INTERNAL = "INTERN: ring Kim före mötet"
TO_PARTNERS = "TILL PARTNERNA: kan ni låna ut lokalen?"
DECLINE_REASON = "PARTNERNS SKÄL: inga lokaler i Nora"
TO_OWNER = "Vi tror att de här kan hjälpa er."


@pytest.fixture
def submitted(db):
    return services.idea_submit(
        title="Samlingslokal i byn",
        description="Vi behöver en lokal.",
        municipality=municipality("1884"),
        themes=[Theme.objects.first()],
        submitter_email="agare@example.org",
        submitter_name="Åsa Ägare",
        language="sv",
    )


def move(client, idea, **data):
    return client.post(reverse("triage:idea_move", args=[idea.reference]), data)


def owner_mail_texts(email: str) -> list[str]:
    return [m.body_text + m.body_html + m.subject for m in Message.objects.filter(recipient=email)]


# -- who may move what ----------------------------------------------------------------------------


def test_a_committee_member_may_not_decline(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    response = move(
        committee_client, idea, to=workflow.Status.DECLINED, message_to_owner="Utanför vårt område"
    )
    assert response.status_code == 400
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    with pytest.raises(workflow.TransitionNotAllowed):
        services.idea_transition(
            idea=idea,
            to=workflow.Status.DECLINED,
            actor=committee_member,
            message_to_owner="Utanför vårt område",
        )
    assert idea.events.count() == 1


def test_referred_through_the_plain_move_is_refused(coordinator_client, coordinator):
    idea = IdeaFactory(in_review=True)
    page = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert 'value="referred"' not in page.content.decode()
    response = move(coordinator_client, idea, to=workflow.Status.REFERRED)
    assert response.status_code == 400
    with pytest.raises(workflow.TransitionNotAllowed):
        services.idea_transition(idea=idea, to=workflow.Status.REFERRED, actor=coordinator)
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    assert not Message.objects.filter(recipient=idea.submitter_email).exists()


def test_a_received_idea_may_not_be_referred_by_the_service(coordinator):
    idea = IdeaFactory()
    with pytest.raises(workflow.TransitionNotAllowed):
        idea_refer(
            idea=idea, partners=[PartnerFactory()], note_to_partners="Hjälp?", actor=coordinator
        )
    assert not Referral.objects.exists()


def test_a_bad_move_keeps_what_was_typed_and_says_so_at_the_field(coordinator_client):
    idea = IdeaFactory(in_review=True)
    response = move(
        coordinator_client,
        idea,
        to=workflow.Status.DECLINED,
        message_to_owner="",
        internal_note="Min interna tanke",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Min interna tanke</textarea>" in page
    # The error stands at the message field, tied to it, and in the summary that links there.
    field = re.search(r'<textarea[^>]*id="move_message_to_owner"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
    error_id = next(name for name in described_by if name.endswith("_error"))
    error = re.search(rf'id="{error_id}"[^>]*>(.*?)</', page, re.S).group(1)
    assert "ägaren läser det i ett mejl och på uppföljningssidan" in error
    assert 'href="#move_message_to_owner"' in page
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW


def test_an_answer_is_not_accepted_on_a_closed_idea(client, coordinator):
    idea = IdeaFactory(in_review=True)
    [referral] = idea_refer(
        idea=idea, partners=[PartnerFactory()], note_to_partners="Hjälp?", actor=coordinator
    )
    link = referral_link(referral)
    services.idea_withdraw(idea=idea, reason="Vi löste det")
    response = client.post(link, {"answer": "accept"})
    # The withdrawal closed the referral: its link no longer takes an answer.
    assert response.status_code == 410
    referral.refresh_from_db()
    assert referral.state == ReferralState.CANCELLED
    with pytest.raises(AnswerError):
        referral_answer(referral=referral, kind="accept", contact=referral.partner.contacts.get())


def test_support_finished_by_one_partner_does_not_close_an_idea_another_still_works_on(coordinator):
    idea = IdeaFactory(in_review=True)
    first, second = PartnerFactory(name="Första"), PartnerFactory(name="Andra")
    referrals = idea_refer(
        idea=idea, partners=[first, second], note_to_partners="Hjälp?", actor=coordinator
    )
    users = {}
    for referral in referrals:
        users[referral.partner_id] = partner_login(Client(), referral.partner)
        referral_answer(referral=referral, kind="accept", user=users[referral.partner_id])
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_SUPPORT
    kind = SupportKindFactory()
    one, other = referrals
    support_report(
        referral=one, user=users[one.partner_id], kind=kind, text="Klart.", progress="finished"
    )
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_SUPPORT  # the other partner is still at work
    support_report(
        referral=other, user=users[other.partner_id], kind=kind, text="Klart.", progress="finished"
    )
    idea.refresh_from_db()
    assert idea.status == workflow.Status.CLOSED


# -- what the owner reads -------------------------------------------------------------------------


def test_internal_notes_and_notes_to_partners_never_reach_the_owner(client, coordinator, submitted):
    idea, token = submitted.idea, submitted.tracking_token
    staff = Client()
    staff.force_login(coordinator)
    move(staff, idea, to=workflow.Status.SCREENING, internal_note=INTERNAL)
    move(
        staff,
        idea,
        to=workflow.Status.IN_REVIEW,
        message_to_owner="Nu bedömer vi din idé.",
        internal_note=INTERNAL,
    )
    first, second = PartnerFactory(name="Byalaget Nora"), PartnerFactory(name="Folkhögskolan")
    response = staff.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {
            "partners": [first.pk, second.pk],
            "note_to_partners": TO_PARTNERS,
            "message_to_owner": TO_OWNER,
        },
    )
    assert response.status_code == 302
    declined, accepted = sorted(Referral.objects.filter(idea=idea), key=lambda r: r.partner.name)
    referral_answer(
        referral=declined,
        kind="decline",
        text=DECLINE_REASON,
        contact=declined.partner.contacts.get(),
    )
    referral_answer(referral=accepted, kind="accept", contact=accepted.partner.contacts.get())

    mails = owner_mail_texts("agare@example.org")
    referred_mail = next(
        m
        for m in Message.objects.filter(recipient="agare@example.org")
        if "Byalaget Nora" in m.body_text
    )
    assert "Folkhögskolan" in referred_mail.body_text and TO_OWNER in referred_mail.body_text
    assert "Byalaget Nora" in referred_mail.body_html and TO_OWNER in referred_mail.body_html
    assert any("Nu bedömer vi din idé." in text for text in mails)
    for text in mails:
        for secret in (INTERNAL, TO_PARTNERS, DECLINE_REASON):
            assert secret not in text
    page = client.get(reverse("ideas:track", kwargs={"token": token})).content.decode()
    assert "Nu bedömer vi din idé." in page and TO_OWNER in page
    for secret in (INTERNAL, TO_PARTNERS, DECLINE_REASON):
        assert secret not in page
    # The committee reads both channels on the idea's page, each named.
    committee_page = staff.get(reverse("triage:idea_detail", args=[idea.reference]))
    text = committee_page.content.decode()
    assert INTERNAL in text and "Intern anteckning" in text and TO_OWNER in text


# -- audit rows -----------------------------------------------------------------------------------


def test_no_code_rewrites_an_audit_row_after_it_is_written():
    """IdeaEvent and ReferralEvent rows are created, never updated or deleted by the portal."""
    root = Path(__file__).resolve().parents[2]
    rewrite = re.compile(r"(IdeaEvent|ReferralEvent)\.objects[^\n]*\.(update|delete)\(")
    offenders = [
        str(path.relative_to(root))
        for app in ("ideas", "partners", "triage", "portal")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and rewrite.search(path.read_text())
    ]
    assert offenders == []


# -- the referral's life --------------------------------------------------------------------------


def test_the_coordinator_withdraws_a_referral_and_the_partner_is_told(
    coordinator_client, coordinator
):
    idea = IdeaFactory(in_review=True)
    partner = PartnerFactory(name="Byalaget Nora")
    [referral] = idea_refer(
        idea=idea, partners=[partner], note_to_partners="Hjälp?", actor=coordinator
    )
    url = reverse("triage:referral_cancel", args=[idea.reference, referral.pk])
    page = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert url in page.content.decode()

    response = coordinator_client.post(url, {f"cancel-{referral.pk}-reason": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT

    response = coordinator_client.post(url, {f"cancel-{referral.pk}-reason": "Idén fick hjälp"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.CANCELLED
    event = referral.events.order_by("-pk").first()
    assert (event.actor, event.reason) == (coordinator, "Idén fick hjälp")
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    notice = Message.objects.get(
        recipient=partner.contacts.get().email, idempotency_key__startswith="referral-cancelled:"
    )
    assert "Idén fick hjälp" in notice.body_text and idea.title in notice.body_text
    # The owner is not told of a withdrawn referral, and never reads its reason.
    for text in owner_mail_texts(idea.submitter_email):
        assert "Idén fick hjälp" not in text


def test_a_committee_member_cannot_withdraw_a_referral(committee_client, coordinator):
    idea = IdeaFactory(in_review=True)
    [referral] = idea_refer(
        idea=idea, partners=[PartnerFactory()], note_to_partners="Hjälp?", actor=coordinator
    )
    response = committee_client.post(
        reverse("triage:referral_cancel", args=[idea.reference, referral.pk]),
        {f"cancel-{referral.pk}-reason": "Nej"},
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_a_referral_nobody_answers_expires_and_the_idea_goes_back_to_review(coordinator, settings):
    from datetime import timedelta

    from django.utils import timezone

    from triage.referrals.reminders import referrals_remind_and_escalate

    idea = IdeaFactory(in_review=True)
    [referral] = idea_refer(
        idea=idea, partners=[PartnerFactory()], note_to_partners="Hjälp?", actor=coordinator
    )
    later = timezone.now() + timedelta(days=settings.REFERRAL_LINK_MAX_AGE_DAYS + 1)
    assert referrals_remind_and_escalate(now=later).expired == 1
    assert referrals_remind_and_escalate(now=later).expired == 0
    referral.refresh_from_db()
    assert referral.state == ReferralState.EXPIRED
    event = referral.events.order_by("-pk").first()
    assert (event.actor, event.actor_label) == (None, "system")
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW


def test_who_coordinates_is_written_once_for_every_table_and_page():
    from ideas import workflow
    from partners import views as partner_views
    from portal.roles import COORDINATING
    from triage.referrals import workflow as referral_workflow
    from triage.review import rules

    for module in (workflow, referral_workflow, rules, partner_views):
        assert module.COORDINATING is COORDINATING, module.__name__
