import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import workflow
from ideas.models import IdeaEvent
from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import (
    IdeaFactory,
    PartnerContactFactory,
    PartnerFactory,
    ReferralFactory,
    SupportKindFactory,
    UserFactory,
)
from triage.models import AnswerKind, Referral, ReferralAnswer, ReferralState, SupportReport
from triage.referrals.answers import (
    ANSWER_LINK_SALT,
    AnswerLinkUsed,
    answer_token,
    referral_answer,
)
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/referral/answer/[^/\s]+/)")


def refer(coordinator, *, partners=None, **idea_fields):
    """Refer a new idea the way the coordinator does; return the idea and its referrals."""
    idea = IdeaFactory(in_review=True, **idea_fields)
    partners = partners or [PartnerFactory(name="Byalaget Ramsberg")]
    referrals = idea_refer(
        idea=idea,
        partners=partners,
        note_to_partners="Kan ni hjälpa med lokalen?",
        actor=coordinator,
    )
    return idea, referrals


def link_in(message: Message) -> str:
    return LINK.search(message.body_text).group(1)


def referral_link(referral: Referral) -> str:
    message = Message.objects.get(
        kind=MessageKind.REFERRAL,
        object_id=referral.pk,
        idempotency_key__startswith=f"referral:{referral.pk}:",
    )
    return link_in(message)


def test_the_referral_email_carries_an_answer_link_and_opening_it_changes_nothing(
    client, coordinator
):
    idea, [referral] = refer(coordinator, title="Fiber till byn")
    message = Message.objects.get(kind=MessageKind.REFERRAL)
    assert link_in(message) in message.body_html

    before = Message.objects.count()
    response = client.get(referral_link(referral))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fiber till byn" in page and "Kan ni hjälpa med lokalen?" in page
    assert 'name="answer" value="accept"' in page and 'name="answer" value="decline"' in page
    assert 'name="answer" value="question"' in page and "csrfmiddlewaretoken" in page
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.answered_at is None
    assert not ReferralAnswer.objects.exists()
    assert Message.objects.count() == before
    # Opening it twice is fine: only an answer uses the link up.
    assert client.get(referral_link(referral)).status_code == 200


def test_a_partner_accepts_by_link_and_the_coordinator_and_the_resident_are_told(
    client, coordinator
):
    idea, [referral] = refer(coordinator)
    response = client.post(
        referral_link(referral), {"answer": "accept", "accept-text": "Vi ringer dem på måndag."}
    )

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and referral.answered_at is not None
    answer = referral.answers.get()
    assert answer.kind == AnswerKind.ACCEPT and answer.text == "Vi ringer dem på måndag."
    assert answer.contact == referral.partner.contacts.get()
    notices = Message.objects.filter(kind=MessageKind.NOTICE)
    assert settings.COORDINATOR_EMAIL in {m.recipient for m in notices}
    assert "Vi ringer dem på måndag." in notices.first().body_text
    assert (
        Message.objects.filter(
            kind=MessageKind.STATUS_CHANGE,
            recipient=idea.submitter_email,
            idempotency_key__startswith="referral-accepted:",
        ).count()
        == 1
    )


def test_the_residents_acceptance_mail_is_in_their_language_and_keeps_the_partners_words_private(
    coordinator,
):
    idea, [referral] = refer(coordinator, language="en", title="Village bus")
    referral_answer(
        referral=referral,
        kind=AnswerKind.ACCEPT,
        text="Internt: vi har ont om pengar i år.",
        contact=referral.partner.contacts.get(),
    )

    mail = Message.objects.get(idempotency_key=f"referral-accepted:{referral.pk}:resident")
    assert mail.recipient == idea.submitter_email and mail.language == "en"
    assert "has said yes to supporting it" in mail.body_text
    assert "Byalaget Ramsberg" in mail.body_text
    for body in (mail.body_text, mail.body_html, mail.subject):
        assert "ont om pengar" not in body and "Kan ni hjälpa" not in body


def test_the_acceptance_mail_to_a_swedish_resident_is_in_swedish(coordinator):
    idea, [referral] = refer(coordinator, language="sv")
    referral_answer(
        referral=referral, kind=AnswerKind.ACCEPT, contact=referral.partner.contacts.get()
    )
    mail = Message.objects.get(idempotency_key=f"referral-accepted:{referral.pk}:resident")
    assert mail.language == "sv" and "has said yes" not in mail.body_text


def test_a_decline_needs_a_reason_and_a_missing_one_changes_nothing(client, coordinator):
    idea, [referral] = refer(coordinator)
    response = client.post(referral_link(referral), {"answer": "decline", "decline-text": " "})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'href="#id_decline-text"' in page
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and not referral.answers.exists()
    # The link still works: nothing was recorded.
    assert client.get(referral_link(referral)).status_code == 200


def test_a_decline_of_the_last_open_referral_returns_the_idea_to_review_with_the_reason(
    client, coordinator
):
    idea, [referral] = refer(coordinator)
    told_resident = Message.objects.filter(recipient=idea.submitter_email).count()
    response = client.post(
        referral_link(referral),
        {"answer": "decline", "decline-text": "Vi har inga lokaler i Nora."},
    )

    assert response.status_code == 302
    idea.refresh_from_db()
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED and referral.answered_at is not None
    assert idea.status == workflow.Status.IN_REVIEW
    event = idea.events.order_by("-pk").first()
    assert event.from_status == workflow.Status.REFERRED
    # The idea follows its referral: the system moves it, the note says why, for the committee.
    assert event.actor is None and event.actor_label == "system"
    assert "Byalaget Ramsberg" in event.internal_note
    assert "Vi har inga lokaler i Nora." in event.internal_note
    assert event.message_to_owner == ""
    move = referral.events.order_by("-pk").first()
    assert (move.from_state, move.to_state) == (ReferralState.SENT, ReferralState.DECLINED)
    assert move.actor_label == "partner: Kontakt 0" and move.reason == "Vi har inga lokaler i Nora."
    notice = Message.objects.filter(kind=MessageKind.NOTICE).first()
    assert "Vi har inga lokaler i Nora." in notice.body_text
    # The resident is not told about a partner's decline.
    assert Message.objects.filter(recipient=idea.submitter_email).count() == told_resident


def test_a_decline_while_another_referral_is_open_keeps_the_idea_referred(coordinator):
    first, second = PartnerFactory(), PartnerFactory()
    idea, referrals = refer(coordinator, partners=[first, second])
    declined = next(r for r in referrals if r.partner == first)

    referral_answer(
        referral=declined,
        kind=AnswerKind.DECLINE,
        text="Inte vårt område.",
        contact=first.contacts.get(),
    )

    idea.refresh_from_db()
    assert idea.status == workflow.Status.REFERRED
    other = next(r for r in referrals if r.partner == second)
    referral_answer(
        referral=other, kind=AnswerKind.DECLINE, text="Ingen tid.", contact=second.contacts.get()
    )
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW


def test_a_question_goes_to_the_coordinator_and_the_partner_gets_a_fresh_link(client, coordinator):
    idea, [referral] = refer(coordinator)
    old_link = referral_link(referral)
    response = client.post(
        old_link, {"answer": "question", "question-text": "Finns det en förening bakom?"}
    )
    assert response.status_code == 302

    referral.refresh_from_db()
    assert referral.state == ReferralState.QUESTION and referral.answered_at is None
    notice = Message.objects.filter(kind=MessageKind.NOTICE).first()
    assert "Finns det en förening bakom?" in notice.body_text
    assert client.get(old_link).status_code == 410
    receipt = Message.objects.get(
        idempotency_key__startswith="referral-answer:", idempotency_key__endswith=":contact"
    )
    fresh = link_in(receipt)
    assert client.get(fresh).status_code == 200
    assert client.post(fresh, {"answer": "accept"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_a_used_link_is_refused(client, coordinator):
    idea, [referral] = refer(coordinator)
    link = referral_link(referral)
    assert client.post(link, {"answer": "accept"}).status_code == 302

    for response in (
        client.get(link),
        client.post(link, {"answer": "decline", "decline-text": "Ändrat oss."}),
    ):
        assert response.status_code == 410
        assert "Svarslänken har redan använts" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and referral.answers.count() == 1


def test_a_link_signed_before_another_answer_is_refused_even_if_opened_before_it(coordinator):
    idea, [referral] = refer(coordinator)
    contact = referral.partner.contacts.get()
    token = answer_token(referral=referral, contact=contact)
    referral_answer(
        referral=referral, kind=AnswerKind.QUESTION, text="Hur stor är byn?", contact=contact
    )
    with pytest.raises(AnswerLinkUsed):
        referral_answer(
            referral=referral, kind=AnswerKind.ACCEPT, contact=contact, expected_answers=0
        )
    response = Client().post(reverse("partner_portal:answer", args=[token]), {"answer": "accept"})
    assert response.status_code == 410


def test_an_expired_link_is_refused(client, coordinator, monkeypatch):
    idea, [referral] = refer(coordinator)
    contact = referral.partner.contacts.get()
    long_ago = time.time() - timedelta(days=31).total_seconds()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: long_ago)
        token = answer_token(referral=referral, contact=contact)
    url = reverse("partner_portal:answer", args=[token])

    for response in (client.get(url), client.post(url, {"answer": "accept"})):
        assert response.status_code == 410
        assert "Svarslänken har gått ut." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_the_link_age_is_a_setting(client, coordinator, settings, monkeypatch):
    idea, [referral] = refer(coordinator)
    contact = referral.partner.contacts.get()
    three_days_ago = time.time() - timedelta(days=3).total_seconds()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: three_days_ago)
        url = reverse(
            "partner_portal:answer", args=[answer_token(referral=referral, contact=contact)]
        )
    assert client.get(url).status_code == 200
    settings.REFERRAL_LINK_MAX_AGE_DAYS = 2
    assert client.get(url).status_code == 410


def test_a_forged_link_is_refused(client, coordinator):
    idea, [referral] = refer(coordinator)
    link = referral_link(referral)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    other_contact = PartnerContactFactory()  # of another organisation
    forged = [
        token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),  # a changed signature
        signing.dumps(
            {"r": referral.pk, "c": referral.partner.contacts.get().pk, "n": 0}, salt="another-salt"
        ),
        signing.dumps(
            {"r": referral.pk, "c": referral.partner.contacts.get().pk, "n": 0},
            salt=ANSWER_LINK_SALT,
            key="not-the-secret-key",
        ),
        answer_token(referral=referral, contact=other_contact),
        signing.dumps({"r": "x"}, salt=ANSWER_LINK_SALT),
        "made-up-token",
    ]
    for bad in forged:
        url = reverse("partner_portal:answer", args=[bad])
        for response in (client.get(url), client.post(url, {"answer": "accept"})):
            assert response.status_code == 404, bad
            assert "Vi hittar ingen förfrågan för den här länken." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_the_answer_is_only_taken_with_a_csrf_token(coordinator):
    idea, [referral] = refer(coordinator)
    strict = Client(enforce_csrf_checks=True)
    link = referral_link(referral)
    assert strict.post(link, {"answer": "accept"}).status_code == 403
    page = strict.get(link).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert strict.post(link, {"answer": "accept", "csrfmiddlewaretoken": csrf}).status_code == 302


def partner_login(client, partner):
    user = UserFactory(roles=[Role.PARTNER_CONTACT])
    contact = partner.contacts.first() or PartnerContactFactory(partner=partner)
    contact.user = user
    contact.save()
    client.force_login(user)
    return user


def test_a_partner_contact_sees_only_the_referrals_to_its_organisation(client):
    mine = ReferralFactory(idea__title="Bybuss i Tiveden")
    theirs = ReferralFactory(idea__title="Fiber i Ljusnarsberg")
    partner_login(client, mine.partner)

    page = client.get(reverse("partner_portal:referral_list")).content.decode()
    assert "Bybuss i Tiveden" in page and "Fiber i Ljusnarsberg" not in page
    assert client.get(reverse("partner_portal:referral_detail", args=[mine.pk])).status_code == 200
    assert (
        client.get(reverse("partner_portal:referral_detail", args=[theirs.pk])).status_code == 404
    )
    response = client.post(
        reverse("partner_portal:referral_answer", args=[theirs.pk]), {"answer": "accept"}
    )
    assert response.status_code == 404
    response = client.post(reverse("partner_portal:referral_support", args=[theirs.pk]), {})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == ReferralState.SENT


def test_the_partner_list_names_each_referrals_state_once(client):
    waiting = ReferralFactory(idea__title="Bybuss i Tiveden")
    partner_login(client, waiting.partner)

    page = client.get(reverse("partner_portal:referral_list")).content.decode()
    row = page[page.index("Bybuss i Tiveden") : page.index("</tr>", page.index("Bybuss i Tiveden"))]
    assert row.count("Väntar på ert svar") == 1
    assert 'class="badge text-bg-warning">Väntar på ert svar</span>' in row


def test_a_partner_login_without_an_organisation_sees_no_referrals(client):
    referral = ReferralFactory(idea__title="Bybuss i Tiveden")
    client.force_login(UserFactory(roles=[Role.PARTNER_CONTACT]))
    page = client.get(reverse("partner_portal:referral_list")).content.decode()
    assert "Bybuss i Tiveden" not in page
    assert (
        client.get(reverse("partner_portal:referral_detail", args=[referral.pk])).status_code == 404
    )


def test_other_roles_cannot_open_the_partner_pages(client, coordinator):
    referral = ReferralFactory()
    client.force_login(coordinator)
    assert client.get(reverse("partner_portal:referral_list")).status_code == 403
    assert (
        client.get(reverse("partner_portal:referral_detail", args=[referral.pk])).status_code == 403
    )


def test_a_logged_in_partner_answers_and_reports_support_until_the_idea_is_closed(
    client, coordinator
):
    idea, [referral] = refer(coordinator)
    user = partner_login(client, referral.partner)
    detail = reverse("partner_portal:referral_detail", args=[referral.pk])

    response = client.post(
        reverse("partner_portal:referral_answer", args=[referral.pk]), {"answer": "accept"}
    )
    assert response.status_code == 302 and response["Location"] == detail
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert referral.answers.get().user == user
    # A partner at work: the idea follows its referral into support.
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_SUPPORT
    event = idea.events.order_by("-pk").first()
    assert event.actor_label == "system" and event.to_status == workflow.Status.IN_SUPPORT
    assert referral.events.order_by("-pk").first().actor == user

    kind = SupportKindFactory(name_sv="Lokaler", name_en="Premises")
    support = reverse("partner_portal:referral_support", args=[referral.pk])
    response = client.post(support, {"kind": kind.pk, "text": "", "progress": "under_way"})
    assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()
    assert not SupportReport.objects.exists()

    client.post(
        support, {"kind": kind.pk, "text": "Vi lånar ut bygdegården.", "progress": "under_way"}
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_SUPPORT
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_SUPPORT

    client.post(support, {"kind": kind.pk, "text": "Mötena är igång.", "progress": "finished"})
    idea.refresh_from_db()
    referral.refresh_from_db()
    assert idea.status == workflow.Status.CLOSED
    assert referral.state == ReferralState.SUPPORT_FINISHED
    assert list(referral.support_reports.values_list("progress", flat=True)) == [
        "under_way",
        "finished",
    ]
    assert IdeaEvent.objects.filter(
        idea=idea, to_status=workflow.Status.CLOSED, actor_label="system"
    ).exists()
    assert list(referral.events.values_list("to_state", "actor")) == [
        (ReferralState.SENT, coordinator.pk),
        (ReferralState.ACCEPTED, user.pk),
        (ReferralState.IN_SUPPORT, user.pk),
        (ReferralState.SUPPORT_FINISHED, user.pk),
    ]
    page = client.get(detail).content.decode()
    assert "Vi lånar ut bygdegården." in page and 'name="answer"' not in page
    staff = Client()
    staff.force_login(coordinator)
    page = staff.get(reverse("triage:idea_detail", args=[idea.reference])).content.decode()
    assert "Vi lånar ut bygdegården." in page and "Mötena är igång." in page


def test_a_partner_cannot_report_support_before_accepting(client, coordinator):
    idea, [referral] = refer(coordinator)
    partner_login(client, referral.partner)
    kind = SupportKindFactory()
    response = client.post(
        reverse("partner_portal:referral_support", args=[referral.pk]),
        {"kind": kind.pk, "text": "Vi hjälper.", "progress": "finished"},
    )
    assert response.status_code == 400
    idea.refresh_from_db()
    assert idea.status == workflow.Status.REFERRED and not SupportReport.objects.exists()


def test_the_partner_list_runs_as_many_queries_for_30_referrals_as_for_3(
    client, django_assert_num_queries
):
    partner = PartnerFactory()
    partner_login(client, partner)
    for _ in range(3):
        ReferralFactory(partner=partner)
    url = reverse("partner_portal:referral_list")
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    for _ in range(27):
        ReferralFactory(partner=partner)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(url)
    assert len(response.context["referrals"]) == 30
