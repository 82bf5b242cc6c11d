"""The committee's question and the resident's answer: where the committee reads the answer,
who is told, the dashboard's mark, and the reply path to a partner who asks a question."""

import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Theme
from portal.outbox.models import Message
from portal.outbox.services import message_send
from portal.roles import Role
from tests.factories import (
    ConflictDeclarationFactory,
    PartnerFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    UserFactory,
    municipality,
)
from triage.models import AnswerKind
from triage.referrals.answers import referral_answer
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

QUESTION = "Var ska bussen stanna?"
ANSWER = "Utanför lanthandeln i Ramsberg."
WAITING = "Besvarad, väntar på er"


@pytest.fixture
def asked(coordinator):
    """An English resident's idea in review, with a question from the coordinator."""
    submitted = services.idea_submit(
        title="Bybuss till Ramsberg",
        description="En buss två gånger i veckan.",
        municipality=municipality("1885"),
        themes=[Theme.objects.first()],
        submitter_email="sam@example.org",
        submitter_name="Sam Smith",
        language="en",
    )
    idea = submitted.idea
    for to in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        services.idea_transition(idea=idea, to=to, actor=coordinator)
    return submitted


def staff(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


def ask_through_the_page(coordinator, idea) -> None:
    response = staff(coordinator).post(
        reverse("triage:idea_move", args=[idea.reference]),
        {"to": workflow.Status.NEEDS_INFORMATION, "message_to_owner": QUESTION},
    )
    assert response.status_code == 302


def answer_through_the_tracking_page(submitted) -> None:
    resident = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = resident.post(
        reverse("ideas:answer", kwargs={"token": submitted.tracking_token}), {"answer": ANSWER}
    )
    assert response.status_code == 302


def test_the_answer_shows_on_the_ideas_page_beside_its_question_and_in_the_history(
    asked, coordinator
):
    coordinator.first_name, coordinator.last_name = "Sara", "Samordnare"
    coordinator.save()
    idea = asked.idea
    ask_through_the_page(coordinator, idea)
    page = staff(coordinator).get(reverse("triage:idea_detail", args=[idea.reference]))
    before = page.content.decode()
    assert "Inte besvarad än." in before and ANSWER not in before

    answer_through_the_tracking_page(asked)

    page = staff(coordinator).get(reverse("triage:idea_detail", args=[idea.reference]))
    text = page.content.decode()
    section = text[text.index('id="questions-heading"') :]
    section = section[: section.index("</section>")]
    assert "Frågad av Sara Samordnare" in section
    assert section.index(QUESTION) < section.index("Idébärarens svar") < section.index(ANSWER)
    assert section.count("<time") == 2  # when it was asked, when it was answered
    history = text[text.index('id="history-heading"') : text.index('id="questions-heading"')]
    assert ANSWER in history and "Behöver information → Under bedömning" in history
    assert "Inte besvarad än." not in section


def test_the_coordinator_and_the_assigned_reviewers_are_told_of_the_answer_in_their_language(
    asked, coordinator, settings
):
    idea = asked.idea
    reviewer = UserFactory(username="granskare", roles=[Role.COMMITTEE_MEMBER])
    conflicted = UserFactory(username="jävig", roles=[Role.COMMITTEE_MEMBER])
    outsider = UserFactory(username="annan", roles=[Role.COMMITTEE_MEMBER])
    for member in (reviewer, conflicted):
        ReviewAssignmentFactory(idea=idea, member=member)
    ConflictDeclarationFactory(idea=idea, member=conflicted)
    ask_through_the_page(coordinator, idea)

    answer_through_the_tracking_page(asked)

    notices = Message.objects.filter(idempotency_key__startswith="question-answered:")
    recipients = set(notices.values_list("recipient", flat=True))
    assert recipients == {settings.COORDINATOR_EMAIL, coordinator.email, reviewer.email}
    assert conflicted.email not in recipients and outsider.email not in recipients
    for notice in notices:
        assert notice.language == "sv"
        assert "Idébäraren har svarat" in notice.body_text
        assert QUESTION in notice.body_text and ANSWER in notice.body_text
        assert reverse("triage:idea_detail", args=[idea.reference]) in notice.body_text
        # Staff notices carry no resident's private link.
        assert "/track/" not in notice.body_text
    # The resident is not sent the committee's notice.
    assert not notices.filter(recipient="sam@example.org").exists()


def test_the_agenda_shows_the_question_and_the_answer(asked, coordinator, committee_member):
    idea = asked.idea
    ReviewAssignmentFactory(idea=idea, member=committee_member)
    ask_through_the_page(coordinator, idea)
    answer_through_the_tracking_page(asked)
    ReviewFactory(idea=idea, member=committee_member, submitted=True)

    page = staff(committee_member).get(reverse("triage:meeting")).content.decode()

    item = page[page.index(idea.reference) :]
    assert "Frågor till idébäraren" in item
    assert item.index(QUESTION) < item.index(ANSWER)


def test_the_dashboard_marks_an_answered_idea_until_a_staff_member_acts(
    asked, coordinator, committee_member
):
    idea = asked.idea
    member = staff(committee_member)
    ask_through_the_page(coordinator, idea)
    # The member's list is rendered and kept (the dashboard's cache) before the answer comes.
    assert WAITING not in member.get(reverse("triage:dashboard")).content.decode()

    answer_through_the_tracking_page(asked)

    row = _row(member.get(reverse("triage:dashboard")).content.decode(), idea.reference)
    assert WAITING in row
    # A note by a staff member is acting on it: the mark goes.
    member.post(
        reverse("triage:idea_note", args=[idea.reference]), {"body": "Jag ringer lanthandeln."}
    )
    assert WAITING not in _row(
        member.get(reverse("triage:dashboard")).content.decode(), idea.reference
    )


def test_a_status_move_by_staff_also_clears_the_mark(asked, coordinator):
    idea = asked.idea
    ask_through_the_page(coordinator, idea)
    answer_through_the_tracking_page(asked)
    client = staff(coordinator)
    assert WAITING in _row(client.get(reverse("triage:dashboard")).content.decode(), idea.reference)
    # On hold and back in review: the idea is in review again, but a staff member has acted.
    for to in (workflow.Status.ON_HOLD, workflow.Status.IN_REVIEW):
        client.post(reverse("triage:idea_move", args=[idea.reference]), {"to": to})
    assert WAITING not in _row(
        client.get(reverse("triage:dashboard")).content.decode(), idea.reference
    )


def _row(page: str, reference: str) -> str:
    match = re.search(rf"<tr>\s*<td><input[^>]*value=\"{reference}\".*?</tr>", page, re.S)
    assert match, f"{reference} is not in the list"
    return match.group(0)


def test_a_partners_question_reaches_the_coordinator_with_the_partner_as_reply_to(
    asked, coordinator, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    idea = asked.idea
    partner = PartnerFactory(name="Ramsbergs byalag")
    contact = partner.contacts.get()
    [referral] = idea_refer(
        idea=idea, partners=[partner], note_to_partners="Kan ni köra?", actor=coordinator
    )

    referral_answer(
        referral=referral, kind=AnswerKind.QUESTION, text="Finns det en buss?", contact=contact
    )

    notice = Message.objects.get(
        recipient=settings.COORDINATOR_EMAIL, idempotency_key__startswith="referral-answer:"
    )
    assert notice.reply_to == contact.email
    assert "Svara på det här mejlet" in notice.body_text
    django_mail.outbox.clear()
    message_send(notice.pk)
    [sent] = django_mail.outbox
    assert sent.reply_to == [contact.email] and sent.to == [settings.COORDINATOR_EMAIL]
    # The partner's own mails (the referral, the fresh link) are not sent "reply to" anyone.
    mails_to_partner = Message.objects.filter(recipient=contact.email)
    assert mails_to_partner.count() == 2
    assert all(not message.reply_to for message in mails_to_partner)


def test_the_coordinator_answers_a_partners_question_from_the_ideas_page(asked, coordinator):
    idea = asked.idea
    partner = PartnerFactory(name="Ramsbergs byalag")
    contact = partner.contacts.get()
    contact.language = "en"
    contact.save()
    [referral] = idea_refer(
        idea=idea, partners=[partner], note_to_partners="Kan ni köra?", actor=coordinator
    )
    referral_answer(
        referral=referral, kind=AnswerKind.QUESTION, text="Is there a bus?", contact=contact
    )
    client = staff(coordinator)
    page = client.get(reverse("triage:idea_detail", args=[idea.reference])).content.decode()
    action = reverse("triage:referral_reply", args=[idea.reference, referral.pk])
    assert f'action="{action}"' in page and "Svaret till partnern" in page

    empty = client.post(action, {"text": "  "})
    assert empty.status_code == 400 and 'aria-invalid="true"' in empty.content.decode()
    response = client.post(action, {"text": "Yes, the county's bus company lends one."})
    client.post(action, {"text": "Yes, the county's bus company lends one."})  # a double click

    assert response.status_code == 302
    [reply] = Message.objects.filter(idempotency_key__startswith="referral-reply:")
    assert reply.recipient == contact.email and reply.language == "en"
    assert "Yes, the county's bus company lends one." in reply.body_text
    assert "Is there a bus?" in reply.body_text
    assert "/referral/answer/" in reply.body_text  # the partner can still answer
    # Written for the partner: it never goes to the idea's owner.
    assert not Message.objects.filter(
        recipient="sam@example.org", body_text__contains="bus company"
    ).exists()


def test_only_the_coordinator_answers_a_partner(asked, coordinator, committee_member):
    idea = asked.idea
    [referral] = idea_refer(
        idea=idea, partners=[PartnerFactory()], note_to_partners="Kan ni?", actor=coordinator
    )
    action = reverse("triage:referral_reply", args=[idea.reference, referral.pk])
    assert staff(committee_member).post(action, {"text": "Ja"}).status_code == 403
    # No question asked: nothing to answer.
    response = staff(coordinator).post(action, {"text": "Ja"})
    assert response.status_code == 400
    assert not Message.objects.filter(idempotency_key__startswith="referral-reply:").exists()
