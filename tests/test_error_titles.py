"""Every page that shows a form's errors says so first in its title ("Fel:", "Error:", "خطأ:"),
so that a screen reader user hears at once that the form was not sent.

base.html writes the word for every page (portal/templatetags/page_state.py), whatever the
page's forms are called; these tests post mistakes to each form page the way a user does.
"""

import re
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Theme
from tests.factories import CriterionFactory, IdeaFactory, ReferralFactory, municipality

pytestmark = pytest.mark.django_db

PREFIX = {"sv": "Fel: ", "en": "Error: ", "ar": "خطأ: "}
# Staff pages are written in Swedish and English; asked for in Arabic they are served in English.
STAFF_PREFIX = {"sv": "Fel: ", "en": "Error: ", "ar": "Error: "}


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no title"
    return match.group(1).strip()


def visitor(language: str) -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def submitted(db):
    return services.idea_submit(
        title="Laddstolpe vid bygdegården",
        description="En laddstolpe för elbilar.",
        municipality=municipality("1864"),
        themes=[Theme.objects.first()],
        submitter_email="bo@example.org",
        submitter_name="Bo Berg",
    )


def track_url(name: str, submitted) -> str:
    return reverse(f"ideas:{name}", kwargs={"token": submitted.tracking_token})


RESIDENT_FORMS: dict[str, Callable] = {
    "idea form": lambda client, s: client.post(reverse("ideas:submit"), {"title": ""}),
    "lost link": lambda client, s: client.post(reverse("ideas:lost_link"), {"email": "nej"}),
    "answer": lambda client, s: client.post(track_url("answer", s), {"answer": ""}),
    "withdraw": lambda client, s: client.post(track_url("withdraw", s), {"reason": "x" * 2001}),
    "statement": lambda client, s: client.post(
        reverse("accessibility_statement"), {"description": ""}
    ),
}


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
@pytest.mark.parametrize("page", RESIDENT_FORMS)
def test_a_residents_form_with_errors_says_error_first_in_its_title(
    page, language, submitted, coordinator, settings
):
    settings.IDEAS_MIN_FILL_SECONDS = 0
    # The owner's pages speak the idea's language.
    submitted.idea.language = language
    submitted.idea.save(update_fields=["language"])
    services.idea_transition(idea=submitted.idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_ask_question(idea=submitted.idea, question="Hur många?", actor=coordinator)
    client = visitor(language)
    response = RESIDENT_FORMS[page](client, submitted)
    assert 'id="error-summary"' in response.content.decode(), f"{page}: no errors shown"
    assert title(response).startswith(PREFIX[language])
    # The same page without a mistake does not say so.
    calm = client.get(response.request["PATH_INFO"].replace("/answer/", "/"))
    assert not title(calm).startswith(PREFIX[language])


STAFF_FORMS: dict[str, Callable] = {
    "login": lambda client, idea: client.post(
        reverse("login"), {"username": "nobody", "password": "wrong"}
    ),
    "password reset": lambda client, idea: client.post(
        reverse("password_reset"), {"email": "not an address"}
    ),
    "intake event": lambda client, idea: client.post(reverse("ideas:intake"), {"create": "1"}),
    "note": lambda client, idea: client.post(
        reverse("triage:idea_note", args=[idea.reference]), {"body": ""}
    ),
    "move": lambda client, idea: client.post(
        reverse("triage:idea_move", args=[idea.reference]), {"to": ""}
    ),
    # The cancel form lives in a row of the idea page's referral list, not in its own variable.
    "referral cancel": lambda client, idea: client.post(
        reverse("triage:referral_cancel", args=[idea.reference, ReferralFactory(idea=idea).pk]),
        {},
    ),
    "criterion": lambda client, idea: client.post(
        reverse("triage:criterion_edit", args=[CriterionFactory().pk]), {"name": ""}
    ),
}


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
@pytest.mark.parametrize("page", STAFF_FORMS)
def test_a_staff_form_with_errors_says_error_first_in_its_title(page, language, coordinator):
    client = visitor(language)
    if page not in ("login", "password reset"):
        client.force_login(coordinator)
    response = STAFF_FORMS[page](client, IdeaFactory(screening=True))
    assert 'id="error-summary"' in response.content.decode(), f"{page}: no errors shown"
    assert title(response).startswith(STAFF_PREFIX[language])
    assert title(response).count(STAFF_PREFIX[language].strip()) == 1


def test_a_page_without_errors_says_no_error_in_its_title(client, coordinator):
    assert title(client.get(reverse("ideas:submit"))).startswith("Skicka in")
    client.force_login(coordinator)
    page = title(client.get(reverse("triage:dashboard")))
    assert not page.startswith("Fel")
