"""Questions the committee sets: the coordinator adds, words, orders and retires questions of
the idea form without a developer; residents answer them in their language; each answer keeps
the wording it was given to, and reaches the idea's page, the export, "my data" and erasure."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas import questions, services
from ideas.models import CallForIdeas, FormQuestion, Idea, IdeaAnswer, QuestionKind, Theme
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db

SUBMIT = reverse("ideas:submit")
BUS = {
    "sv": "Hur tar ni er till närmaste servicepunkt i dag?",
    "en": "How do you get to the nearest service point today?",
    "ar": "كيف تصلون إلى أقرب نقطة خدمة اليوم؟",
    "sv-easy": "Hur åker du till affären eller vården i dag?",
}
REQUIRED_ERROR = {
    "sv": "Svara på frågan: den måste besvaras.",
    "en": "Answer this question: it is required.",
    "ar": "أجب عن هذا السؤال: الإجابة مطلوبة.",
    "sv-easy": "Svara på frågan. Du måste svara.",
}


def texts(wordings: dict, *, help_text: str = "", choices: dict | None = None) -> dict:
    return {
        code: {
            "wording": wording,
            "help_text": help_text,
            "choices": (choices or {}).get(code, []),
        }
        for code, wording in wordings.items()
    }


def resident(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def bus_question(**kwargs) -> FormQuestion:
    return questions.question_add(
        kind=kwargs.pop("kind", QuestionKind.TEXT),
        required=kwargs.pop("required", True),
        texts=kwargs.pop("texts", texts(BUS)),
        **kwargs,
    )


def field(question: FormQuestion) -> str:
    return f"question_{question.pk}"


@pytest.mark.parametrize("language", ["sv", "en", "ar", "sv-easy"])
def test_a_resident_answers_a_required_question_in_their_language(language):
    question = bus_question()
    client = resident(language)

    form_page = client.get(SUBMIT).content.decode()
    assert BUS[language] in form_page
    assert f'name="{field(question)}"' in form_page
    # Another language's wording is not on the page.
    assert BUS["en" if language != "en" else "sv"] not in form_page

    missing = client.post(SUBMIT, valid_form(language=language))
    assert missing.status_code == 200
    assert not Idea.objects.exists()
    page = missing.content.decode()
    assert REQUIRED_ERROR[language] in page
    # The error is tied to the field: its id is named by the field's aria-describedby.
    error_id = f"id_{field(question)}_error"
    assert f'id="{error_id}' in page
    assert "aria-describedby" in page and error_id in page

    answered = client.post(
        SUBMIT,
        valid_form(language=language, **{field(question): "Med buss 400, två gånger om dagen."}),
    )
    assert answered.status_code == 302
    answer = IdeaAnswer.objects.select_related("version").get()
    assert answer.value == "Med buss 400, två gånger om dagen."
    assert answer.version.question == question and answer.version.number == 1


def test_an_optional_question_may_be_left_empty_and_stores_nothing():
    question = bus_question(required=False)
    response = Client().post(SUBMIT, valid_form(**{field(question): ""}))
    assert response.status_code == 302
    assert not IdeaAnswer.objects.exists()


def test_choice_and_yes_no_answers_are_checked_and_shown_in_the_readers_language(
    coordinator_client,
):
    choice = questions.question_add(
        kind=QuestionKind.CHOICE,
        required=True,
        texts=texts(
            {"sv": "Hur långt är det till affären?", "en": "How far is the shop?"},
            choices={"sv": ["Under 5 km", "Över 5 km"], "en": ["Under 5 km", "More than 5 km"]},
        ),
    )
    yes_no = questions.question_add(
        kind=QuestionKind.YES_NO,
        required=True,
        texts=texts({"sv": "Finns det en förening?", "en": "Is there an association?"}),
    )
    refused = Client().post(SUBMIT, valid_form(**{field(choice): "7", field(yes_no): "maybe"}))
    assert refused.status_code == 200 and not Idea.objects.exists()

    Client().post(SUBMIT, valid_form(**{field(choice): "2", field(yes_no): "yes"}))
    idea = Idea.objects.get()
    coordinator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    text = page.content.decode()
    assert "How far is the shop?" in text and "More than 5 km" in text
    assert "Is there an association?" in text and "Yes" in text
    assert "Över 5 km" not in text


def test_an_edit_is_a_new_version_and_earlier_answers_keep_the_wording_they_answered(
    coordinator_client,
):
    question = bus_question()
    Client().post(SUBMIT, valid_form(**{field(question): "Bil"}))
    first = Idea.objects.get()

    response = coordinator_client.post(
        reverse("triage:question_edit", args=[question.pk]),
        {
            "required": "on",
            "wording_sv": "Hur långt har ni till närmaste apotek?",
            "wording_en": "How far is the nearest pharmacy?",
        },
    )
    assert response.status_code == 302
    assert question.versions.count() == 2

    form_page = Client().get(SUBMIT).content.decode()
    assert "Hur långt har ni till närmaste apotek?" in form_page
    assert BUS["sv"] not in form_page
    Client().post(SUBMIT, valid_form(title="Apotek i byn", **{field(question): "Tre mil"}))
    second = Idea.objects.get(title="Apotek i byn")

    coordinator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    old_page = coordinator_client.get(reverse("triage:idea_detail", args=[first.reference]))
    assert BUS["sv"] in old_page.content.decode()
    assert "apotek" not in old_page.content.decode().split("form-answers")[1].split("</section>")[0]
    new_page = coordinator_client.get(reverse("triage:idea_detail", args=[second.reference]))
    assert "Hur långt har ni till närmaste apotek?" in new_page.content.decode()
    assert first.form_answers.get().version.number == 1
    assert second.form_answers.get().version.number == 2


def test_saving_the_same_wording_adds_no_version(coordinator_client):
    question = bus_question()
    coordinator_client.post(
        reverse("triage:question_edit", args=[question.pk]),
        {key: value for key, value in _wordings(BUS).items()},
    )
    assert question.versions.count() == 1
    question.refresh_from_db()
    assert question.required is False


def _wordings(wordings: dict) -> dict:
    return {f"wording_{code.replace('-', '_')}": text for code, text in wordings.items()}


def test_a_retired_question_leaves_the_form_and_stays_on_old_ideas(coordinator_client):
    question = bus_question()
    Client().post(SUBMIT, valid_form(**{field(question): "Bil"}))
    idea = Idea.objects.get()

    coordinator_client.post(reverse("triage:question_retire", args=[question.pk]))

    assert BUS["sv"] not in Client().get(SUBMIT).content.decode()
    assert Client().post(SUBMIT, valid_form(title="Utan frågan")).status_code == 302
    page = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert BUS["sv"] in page.content.decode() and "Bil" in page.content.decode()
    listing = coordinator_client.get(reverse("triage:question_list")).content.decode()
    assert "Retired questions" in listing or "Frågor som inte längre ställs" in listing


def test_the_coordinator_adds_orders_a_question_without_javascript(coordinator_client):
    first = bus_question()
    response = coordinator_client.post(
        reverse("triage:question_add"),
        {
            "kind": "yes_no",
            "required": "",
            **_wordings({"sv": "Har ni pratat med kommunen?", "en": "Have you asked the council?"}),
        },
    )
    assert response.status_code == 302
    second = FormQuestion.objects.exclude(pk=first.pk).get()
    assert [item.question for item in questions.active_questions()] == [first, second]

    coordinator_client.post(reverse("triage:question_move", args=[second.pk]), {"direction": "up"})
    assert [item.question for item in questions.active_questions()] == [second, first]
    page = Client().get(SUBMIT).content.decode()
    assert page.index("Har ni pratat med kommunen?") < page.index(BUS["sv"])


def test_a_question_without_swedish_or_with_uneven_choices_is_refused_at_the_field(
    coordinator_client,
):
    coordinator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = coordinator_client.post(
        reverse("triage:question_add"),
        {
            "kind": "choice",
            "wording_en": "How far?",
            "choices_sv": "Nära\nLångt\nMycket långt",
            "choices_en": "Near\nFar",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the question in Swedish." in page
    assert "Give as many choices as in Swedish (3), in the same order." in page
    assert 'id="id_choices_en_error' in page
    assert not FormQuestion.objects.exists()


def test_a_calls_questions_are_asked_only_while_it_is_open_and_the_idea_belongs_to_it():
    today = timezone.localdate()
    call = CallForIdeas.objects.create(
        title={"sv": "Service på landsbygden 2027", "en": "Rural services 2027"},
        theme=Theme.objects.get(slug="rural-services"),
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
    )
    closed = CallForIdeas.objects.create(
        title={"sv": "Gammal utlysning", "en": "Old call"},
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=30),
    )
    asked = bus_question(call=call)
    bus_question(call=closed, texts=texts({"sv": "Gammal fråga", "en": "Old question"}))

    home = Client().get(reverse("home")).content.decode()
    assert "Service på landsbygden 2027" in home and "Gammal utlysning" not in home
    form_page = Client().get(SUBMIT).content.decode()
    assert BUS["sv"] in form_page and "Gammal fråga" not in form_page

    Client().post(SUBMIT, valid_form(**{field(asked): "Buss"}))
    assert Idea.objects.get().call == call


def test_the_outreach_form_asks_the_same_questions_with_the_same_errors(staff_client, event):
    question = bus_question()
    from tests.ideas.test_intake import fast_form

    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = staff_client.post(reverse("ideas:intake_new"), fast_form())
    assert REQUIRED_ERROR["sv"] in page.content.decode()
    staff_client.post(reverse("ideas:intake_new"), fast_form(**{field(question): "Färdtjänst"}))
    assert Idea.objects.get().form_answers.get().value == "Färdtjänst"


def test_the_export_holds_each_ideas_answers_with_the_wording(committee_client):
    question = bus_question()
    Client().post(SUBMIT, valid_form(**{field(question): "Buss 400"}))
    committee_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = committee_client.get(reverse("triage:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = rows[0].index("Answers to the form's questions")
    assert rows[1][column] == f"{BUS['en']}: Buss 400"


def test_my_data_holds_the_answers_as_asked_in_the_owners_language_and_erasure_removes_them():
    question = bus_question()
    submitted = services.idea_submit(
        **_service_fields(language="en"),
        answers=[(question.versions.get(), "I drive, Anna Andersson")],
    )
    token = submitted.tracking_token
    data = json.loads(Client().post(reverse("ideas:my_data", args=[token])).content)
    assert data["form_answers"] == [
        {"question": BUS["en"], "answer": "I drive, Anna Andersson", "question_version": 1}
    ]
    page = Client().get(reverse("ideas:my_data_page", args=[token])).content.decode()
    assert BUS["en"] in page and "I drive, Anna Andersson" in page

    Client().post(reverse("ideas:erase", args=[token]))
    assert not IdeaAnswer.objects.exists()
    data = json.loads(Client().post(reverse("ideas:my_data", args=[token])).content)
    assert data["form_answers"] == []
    # The question itself stays for the next idea.
    assert questions.active_questions()[0].question == question


def _service_fields(**overrides) -> dict:
    from tests.factories import municipality

    fields = {
        "title": "Servicepunkt",
        "description": "En servicepunkt i byn.",
        "municipality": municipality("1863"),
        "themes": [Theme.objects.get(slug="rural-services")],
        "submitter_name": "Anna Andersson",
        "submitter_email": "anna@example.org",
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("triage:question_list", "get", False),
        ("triage:question_add", "get", False),
        ("triage:question_add", "post", False),
        ("triage:question_edit", "get", True),
        ("triage:question_edit", "post", True),
        ("triage:question_move", "post", True),
        ("triage:question_retire", "post", True),
        ("triage:call_list", "get", False),
        ("triage:call_list", "post", False),
        ("triage:call_edit", "get", "call"),
    ],
)
def test_only_the_coordinator_reaches_the_question_pages(
    client, committee_member, coordinator, name, method, args
):
    question = bus_question()
    call = CallForIdeas.objects.create(
        title={"sv": "Utlysning"}, opens_on=timezone.localdate(), closes_on=timezone.localdate()
    )
    url = reverse(name, args=[call.pk] if args == "call" else [question.pk] if args else [])
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    client.force_login(committee_member)
    assert getattr(client, method)(url).status_code == 403
    question.refresh_from_db()
    assert question.retired_at is None and question.versions.count() == 1
    client.force_login(coordinator)
    assert getattr(client, method)(url).status_code in {200, 302, 400}


def test_the_coordinator_adds_and_edits_a_call_for_ideas(coordinator_client):
    today = timezone.localdate()
    response = coordinator_client.post(
        reverse("triage:call_list"),
        {
            "title_sv": "Service på landsbygden 2027",
            "title_en": "Rural services 2027",
            "opens_on": today.isoformat(),
            "closes_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400 and not CallForIdeas.objects.exists()
    coordinator_client.post(
        reverse("triage:call_list"),
        {
            "title_sv": "Service på landsbygden 2027",
            "title_en": "Rural services 2027",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=10)).isoformat(),
        },
    )
    call = CallForIdeas.objects.get()
    assert call.title == {"sv": "Service på landsbygden 2027", "en": "Rural services 2027"}
    home = resident("en").get(reverse("home")).content.decode()
    assert "Rural services 2027" in home
    coordinator_client.post(
        reverse("triage:call_edit", args=[call.pk]),
        {
            "title_sv": "Service på landsbygden 2027",
            "title_en": "Rural services 2027",
            "title_ar": "الخدمات في الريف 2027",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=10)).isoformat(),
        },
    )
    assert "الخدمات في الريف 2027" in resident("ar").get(reverse("home")).content.decode()


def test_the_question_list_asked_for_in_arabic_is_served_in_english_with_every_question(
    coordinator_client,
):
    """A page asked for in a language staff pages are not written in names the language asked
    in base.html; that name must not overwrite the page's own list (it once did: a 500)."""
    first, second = bus_question(), bus_question(texts=texts({"sv": "Vem mer?", "en": "Who?"}))
    coordinator_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ar"
    page = coordinator_client.get(reverse("triage:question_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'id="question-{first.pk}"' in text and f'id="question-{second.pk}"' in text
    assert reverse("triage:question_move", args=[first.pk]) in text
