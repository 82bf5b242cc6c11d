"""Following an idea with the private link: status, history, questions, withdrawal, my data."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import PRIVACY_TEXT_VERSION, Idea, IdeaQuestion
from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(db):
    from ideas.models import Theme
    from tests.factories import municipality

    return services.idea_submit(
        title="Laddstolpe vid bygdegården",
        description="En laddstolpe för elbilar.",
        municipality=municipality("1864"),
        themes=[Theme.objects.first()],
        submitter_email="bo@example.org",
        submitter_name="Bo Berg",
        submitter_phone="070-999 88 77",
        organisation_name="Bygdegårdsföreningen Berga",
    )


def url(name: str, submitted) -> str:
    return reverse(f"ideas:{name}", kwargs={"token": submitted.tracking_token})


def move(
    idea: Idea,
    to: workflow.Status,
    coordinator,
    message_to_owner: str = "",
    internal_note: str = "",
) -> None:
    services.idea_transition(
        idea=idea,
        to=to,
        actor=coordinator,
        message_to_owner=message_to_owner,
        internal_note=internal_note,
    )


def test_the_tracking_page_shows_the_public_status_and_history(client, submitted, coordinator):
    idea = submitted.idea
    services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)
    page = client.get(url("track", submitted)).content.decode()
    assert workflow.public_label(workflow.Status.SCREENING) in page
    assert workflow.public_label(workflow.Status.RECEIVED) in page
    assert "Screening" not in page  # staff words stay with the staff


def test_internal_moves_and_staff_notes_stay_out_of_the_public_history(
    client, submitted, coordinator
):
    idea = submitted.idea
    from tests.factories import PartnerFactory
    from triage.referrals.answers import referral_answer
    from triage.referrals.services import idea_refer

    move(idea, workflow.Status.SCREENING, coordinator, internal_note="Intern: ring Kim först")
    move(idea, workflow.Status.IN_REVIEW, coordinator, message_to_owner="Nu bedömer vi idén.")
    partner = PartnerFactory()
    [referral] = idea_refer(
        idea=idea,
        partners=[partner],
        actor=coordinator,
        note_to_partners="Till partnern: kolla bygglovet",
    )
    referral_answer(
        referral=referral,
        kind="decline",
        text="Partnern tackade nej",
        contact=partner.contacts.get(),
    )
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    page = client.get(url("track", submitted)).content.decode()
    assert "Nu bedömer vi idén." in page
    assert "Intern: ring Kim först" not in page
    assert "Till partnern: kolla bygglovet" not in page
    assert "Partnern tackade nej" not in page


def test_the_committee_asks_a_question_and_the_resident_is_mailed(submitted, coordinator):
    idea = submitted.idea
    move(idea, workflow.Status.SCREENING, coordinator)
    services.idea_ask_question(idea=idea, question="Hur många bor i byn?", actor=coordinator)

    idea.refresh_from_db()
    assert idea.status == workflow.Status.NEEDS_INFORMATION
    question_mails = Message.objects.filter(kind=MessageKind.QUESTION)
    assert question_mails.count() == 1
    assert "Hur många bor i byn?" in question_mails.get().body_text
    assert question_mails.get().recipient == "bo@example.org"
    # One mail for the question, not a second status mail beside it.
    assert not Message.objects.filter(
        kind=MessageKind.STATUS_CHANGE, body_text__contains="Hur många"
    ).exists()


def test_the_resident_answers_the_question_and_the_idea_goes_back_to_review(
    client, submitted, coordinator
):
    idea = submitted.idea
    move(idea, workflow.Status.SCREENING, coordinator)
    services.idea_ask_question(idea=idea, question="Hur många bor i byn?", actor=coordinator)
    page = client.get(url("track", submitted)).content.decode()
    assert "Hur många bor i byn?" in page
    assert 'name="answer"' in page

    response = client.post(url("answer", submitted), {"answer": "Ungefär 300."})

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    assert IdeaQuestion.objects.get().answer == "Ungefär 300."
    assert 'name="answer"' not in client.get(url("track", submitted)).content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "answered"),
    [
        ("sv", "Dina svar till arbetsutskottet", "Du svarade"),
        ("en", "Your answers to the committee", "You answered"),
        ("ar", "إجاباتك على اللجنة", "أجبت"),
    ],
)
def test_after_answering_the_resident_reads_the_question_and_their_own_answer(
    submitted, coordinator, language, heading, answered
):
    idea = submitted.idea
    Idea.objects.filter(pk=idea.pk).update(language=language)
    idea.refresh_from_db()
    move(idea, workflow.Status.SCREENING, coordinator)
    services.idea_ask_question(idea=idea, question="Hur många bor i byn?", actor=coordinator)
    resident = Client()
    resident.post(url("answer", submitted), {"answer": "Ungefär 300 <b>personer</b>."})

    page = resident.get(url("track", submitted)).content.decode()
    assert f'<html lang="{language}"' in page
    answers = page[page.index('id="answers"') : page.index("</ul>", page.index('id="answers"'))]
    assert heading in page and answered in answers
    assert "Hur många bor i byn?" in answers
    assert "Ungefär 300 &lt;b&gt;personer&lt;/b&gt;." in answers
    assert 'name="answer"' not in page


def test_an_empty_answer_is_explained_next_to_the_field(client, submitted, coordinator):
    move(submitted.idea, workflow.Status.SCREENING, coordinator)
    services.idea_ask_question(idea=submitted.idea, question="Var?", actor=coordinator)
    page = client.post(url("answer", submitted), {"answer": ""}).content.decode()
    assert 'href="#id_answer"' in page
    assert 'aria-invalid="true"' in page


def test_an_answer_without_an_open_question_changes_nothing(client, submitted):
    client.post(url("answer", submitted), {"answer": "Hej"})
    submitted.idea.refresh_from_db()
    assert submitted.idea.status == workflow.Status.RECEIVED


def test_withdrawing_asks_for_confirmation_first_and_happens_only_on_post(client, submitted):
    page = client.get(url("withdraw", submitted)).content.decode()
    assert 'method="post"' in page
    submitted.idea.refresh_from_db()
    assert submitted.idea.status == workflow.Status.RECEIVED

    client.post(url("withdraw", submitted), {"reason": "Vi löste det själva."})

    submitted.idea.refresh_from_db()
    assert submitted.idea.status == workflow.Status.WITHDRAWN
    page = client.get(url("track", submitted)).content.decode()
    assert workflow.public_label(workflow.Status.WITHDRAWN) in page
    assert url("withdraw", submitted) not in page


def test_a_withdrawal_needs_the_csrf_token(submitted):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("withdraw", submitted)).status_code == 403
    assert client.post(url("erase", submitted)).status_code == 403
    assert client.post(url("my_data", submitted)).status_code == 403
    assert client.post(url("answer", submitted), {"answer": "x"}).status_code == 403


def test_my_data_downloads_everything_stored_about_me_as_json(client, submitted, coordinator):
    move(submitted.idea, workflow.Status.SCREENING, coordinator)
    services.idea_ask_question(idea=submitted.idea, question="Var?", actor=coordinator)
    assert client.get(url("my_data", submitted)).status_code == 405

    response = client.post(url("my_data", submitted))

    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["reference"] == submitted.idea.reference
    assert data["submitter"]["email"] == "bo@example.org"
    assert data["submitter"]["phone"] == "070-999 88 77"
    assert data["idea"]["title"] == "Laddstolpe vid bygdegården"
    assert data["consent"]["privacy_text_version"] == PRIVACY_TEXT_VERSION
    assert data["questions"][0]["question"] == "Var?"
    assert {mail["subject"] for mail in data["emails"]} >= {
        Message.objects.get(kind=MessageKind.RECEIPT).subject
    }


def test_erasing_my_data_anonymises_the_idea_and_its_mails_but_keeps_the_idea(
    client, submitted, coordinator
):
    idea = submitted.idea
    move(idea, workflow.Status.SCREENING, coordinator)
    queued = Message.objects.filter(recipient="bo@example.org")
    assert queued.exists()
    assert 'method="post"' in client.get(url("erase", submitted)).content.decode()
    assert Idea.objects.get().submitter_email == "bo@example.org"  # GET changed nothing
    assert Idea.objects.get().organisation_name == "Bygdegårdsföreningen Berga"

    client.post(url("erase", submitted))

    idea.refresh_from_db()
    assert idea.anonymised_at is not None
    assert (
        idea.submitter_name,
        idea.submitter_email,
        idea.submitter_phone,
        idea.organisation_name,
    ) == ("", "", "", "")
    assert idea.title == "Laddstolpe vid bygdegården"
    assert idea.description == "En laddstolpe för elbilar."
    assert not Message.objects.filter(recipient="bo@example.org").exists()
    for message in Message.objects.all():
        for personal in (
            "bo@example.org",
            "Bo Berg",
            "070-999 88 77",
            "Bygdegårdsföreningen Berga",
        ):
            assert personal not in message.body_text + message.body_html + message.subject
    assert client.get(url("track", submitted)).status_code == 200


def test_erasing_stops_mail_not_yet_sent(submitted, django_capture_on_commit_callbacks):
    services.idea_erase_personal_data(idea=submitted.idea)
    receipt = Message.objects.get(kind=MessageKind.RECEIPT)
    assert receipt.state == MessageState.FAILED
    assert receipt.recipient == ""


def test_erasing_leaves_other_ideas_mails_alone(submitted):
    other = IdeaFactory(submitter_email="bo@example.org")
    from portal.outbox.services import message_enqueue

    message_enqueue(
        kind=MessageKind.RECEIPT,
        recipient="bo@example.org",
        template="receipt",
        context={"idea": other, "tracking_url": "x"},
        language="sv",
        idempotency_key="other",
        about=other,
    )
    services.idea_erase_personal_data(idea=submitted.idea)
    assert Message.objects.get(idempotency_key="other").recipient == "bo@example.org"


def test_a_made_up_token_finds_none_of_the_tracking_pages(client):
    for name in ("track", "withdraw", "erase", "answer", "my_data"):
        path = reverse(f"ideas:{name}", kwargs={"token": "no-such-token"})
        assert client.get(path).status_code == 404, name
        if name != "track":
            assert client.post(path).status_code == 404, name


def test_tracking_pages_are_not_cached(client, submitted):
    cache_control = client.get(url("track", submitted))["Cache-Control"]
    assert "no-store" in cache_control


def test_a_question_asked_by_a_plain_status_move_can_be_answered_too(
    client, submitted, coordinator
):
    move(submitted.idea, workflow.Status.SCREENING, coordinator)
    move(
        submitted.idea,
        workflow.Status.NEEDS_INFORMATION,
        coordinator,
        message_to_owner="Vilken by?",
    )
    page = client.get(url("track", submitted)).content.decode()
    assert "Vilken by?" in page and 'name="answer"' in page

    client.post(url("answer", submitted), {"answer": "Ställdalen."})

    submitted.idea.refresh_from_db()
    assert submitted.idea.status == workflow.Status.IN_REVIEW
    answered = IdeaQuestion.objects.get()
    assert (answered.question, answered.answer) == ("Vilken by?", "Ställdalen.")


def test_a_too_large_answer_gets_a_message_not_an_error_page(
    client, submitted, coordinator, settings
):
    move(submitted.idea, workflow.Status.SCREENING, coordinator)
    services.idea_ask_question(idea=submitted.idea, question="Var?", actor=coordinator)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(url("answer", submitted), {"answer": "a" * 5000}, follow=True)
    assert response.status_code == 200
    assert 'name="answer"' in response.content.decode()
    submitted.idea.refresh_from_db()
    assert submitted.idea.status == workflow.Status.NEEDS_INFORMATION


def test_only_the_coordinator_asks_questions(submitted, committee_member):
    services.idea_transition(
        idea=submitted.idea, to=workflow.Status.SCREENING, actor=committee_member
    )
    with pytest.raises(workflow.TransitionNotAllowed):
        services.idea_ask_question(idea=submitted.idea, question="Var?", actor=committee_member)
    assert not IdeaQuestion.objects.exists()
    assert not Message.objects.filter(kind=MessageKind.QUESTION).exists()


def test_my_data_gives_a_question_the_time_it_was_asked_not_the_time_it_was_answered(
    client, submitted, coordinator
):
    """The coordinator asks with the plain move form (a reason to the owner), days before the
    resident answers from the tracking page."""
    idea = submitted.idea
    staff = Client()
    staff.force_login(coordinator)
    move_url = reverse("triage:idea_move", args=[idea.reference])
    staff.post(move_url, {"to": workflow.Status.SCREENING})
    question = "Vilka dagar skulle bussen gå?"
    staff.post(
        move_url,
        {"to": workflow.Status.NEEDS_INFORMATION, "note": question, "message_to_owner": question},
    )
    idea.refresh_from_db()
    assert idea.status == workflow.Status.NEEDS_INFORMATION
    asked = idea.events.get(to_status=workflow.Status.NEEDS_INFORMATION)
    asked_at = asked.created_at - timedelta(days=3)
    type(asked).objects.filter(pk=asked.pk).update(created_at=asked_at)
    # The move to "needs information" keeps the question (idea_ask_question): asked then too.
    IdeaQuestion.objects.filter(idea=idea).update(asked_at=asked_at)

    client.post(url("answer", submitted), {"answer": "Tisdagar och fredagar"})
    data = json.loads(client.post(url("my_data", submitted)).content)

    [exported] = data["questions"]
    assert exported["question"] == question
    assert exported["answer"] == "Tisdagar och fredagar"
    assert exported["asked_at"] == asked_at.isoformat()
    assert exported["answered_at"] != exported["asked_at"]


def test_the_private_pages_carry_the_portals_one_cache_header_and_no_other(
    client, submitted, outreach_staff, event
):
    """NoStoreMiddleware (portal/security.py) forbids caching of every page; no view adds a
    cache header of its own, which the middleware would overwrite anyway."""
    from tests.ideas.test_intake import fast_form

    responses = {
        name: client.get(url(name, submitted))
        for name in ("track", "original", "withdraw", "erase")
    }
    responses["my_data"] = client.post(url("my_data", submitted))
    responses["answer"] = client.post(url("answer", submitted), {"answer": ""})
    responses["lost_link"] = client.get(reverse("ideas:lost_link"))
    staff = Client()
    staff.force_login(outreach_staff)
    staff.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    staff.post(reverse("ideas:intake_new"), fast_form())
    responses["intake_receipt"] = staff.get(reverse("ideas:intake_receipt"))
    for name, response in responses.items():
        assert response.status_code in (200, 302, 400), name
        assert response["Cache-Control"] == "no-store", name
        assert not {"Expires", "Pragma", "Last-Modified", "ETag"} & set(response.headers), name
