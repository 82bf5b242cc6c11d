"""The form page and a submission take a fixed number of queries, however much data there is."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import IdeaFactory, SupportKindFactory, ThemeFactory
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db


def test_the_form_page_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    IdeaFactory.create_batch(3)
    ThemeFactory.create_batch(5)
    SupportKindFactory.create_batch(5)
    # municipalities, themes, kinds of support, the coordinator's questions (ideas/questions.py)
    with django_assert_num_queries(4):
        assert client.get(reverse("ideas:submit")).status_code == 200
    # Then the empty form comes from the cache.
    with django_assert_num_queries(0):
        assert client.get(reverse("ideas:submit")).status_code == 200


def test_a_new_theme_shows_on_the_cached_form_at_once(client):
    client.get(reverse("ideas:submit"))
    ThemeFactory(name_sv="Helt nytt tema")
    assert "Helt nytt tema" in client.get(reverse("ideas:submit")).content.decode()


def test_a_new_or_changed_question_shows_on_the_cached_form_at_once(client):
    from ideas import questions

    client.get(reverse("ideas:submit"))
    question = questions.question_add(
        kind="text", required=False, texts={"sv": {"wording": "Helt ny fråga?"}}
    )
    assert "Helt ny fråga?" in client.get(reverse("ideas:submit")).content.decode()
    questions.question_retire(question=question)
    assert "Helt ny fråga?" not in client.get(reverse("ideas:submit")).content.decode()


@pytest.mark.parametrize("answered", [1, 4])
def test_a_submission_stores_its_answers_in_one_query_however_many(
    client, django_assert_num_queries, answered
):
    from ideas import questions

    asked = [
        questions.question_add(
            kind="text", required=True, texts={"sv": {"wording": f"Fråga {number}?"}}
        )
        for number in range(answered)
    ]
    client.post(reverse("ideas:submit"), valid_form(title="Uppvärmning", **_answers(asked)))
    client.cookies.clear()
    data = valid_form(**_answers(asked))
    # As above, and one to store the answers.
    with django_assert_num_queries(30):
        response = client.post(reverse("ideas:submit"), data)
    assert response.status_code == 302


def _answers(asked) -> dict:
    return {f"question_{question.pk}": "Svar" for question in asked}


def test_each_visitor_gets_a_fresh_time_stamp_even_from_the_cached_form(client):
    import re

    first = client.get(reverse("ideas:submit")).content.decode()
    started = re.compile(r'name="started" value="(\d+\.[0-9a-f]{32}:[\w-]+)"')
    assert started.search(first)
    assert first.count('name="started"') == 1
    second = Client().get(reverse("ideas:submit")).content.decode()
    assert started.search(first).group(1) != started.search(second).group(1)


def test_a_submission_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    IdeaFactory.create_batch(3)
    client.post(reverse("ideas:submit"), valid_form(title="Uppvärmning"))  # warms up caches
    client.cookies.clear()
    data = valid_form()
    # 3 to check the choices, 1 for the coordinator's questions, 1 for the open call, 1 for
    # an idea the same form sent before, 19 to store the idea with its themes, support, first
    # event, first version and receipt (reference counter, unique checks, savepoints), 4 to
    # remember it in the session.
    with django_assert_num_queries(29):
        response = client.post(reverse("ideas:submit"), data)
    assert response.status_code == 302


def test_the_tracking_page_takes_the_same_queries_however_long_the_history(
    client, django_assert_num_queries, coordinator
):
    from ideas import services, workflow
    from ideas.models import Theme
    from tests.factories import municipality

    submitted = services.idea_submit(
        title="Idé",
        description="Text.",
        municipality=municipality(),
        themes=[Theme.objects.first()],
        submitter_email="a@example.org",
    )
    path = reverse("ideas:track", kwargs={"token": submitted.tracking_token})
    # the idea, its history, its answered questions, its referrals (read once for the
    # partners that got it and the partners the owner decides about: triage's two hooks), its
    # files, its original version, the ideas handled together with it (triage's merges hook)
    with django_assert_num_queries(7):
        client.get(path)
    for to in (
        workflow.Status.SCREENING,
        workflow.Status.IN_REVIEW,
        workflow.Status.ON_HOLD,
        workflow.Status.IN_REVIEW,
    ):
        services.idea_transition(idea=submitted.idea, to=to, actor=coordinator)
    with django_assert_num_queries(7):
        client.get(path)


def test_the_cached_form_page_gives_each_visitor_a_working_csrf_token(client):
    import re

    from django.test import Client

    from ideas.models import Idea
    from tests.ideas.conftest import started_ago

    Client().get(reverse("ideas:submit"))  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(reverse("ideas:submit")).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    assert "hole" not in page
    data = valid_form(started=started_ago())
    data["csrfmiddlewaretoken"] = tokens.pop()
    assert visitor.post(reverse("ideas:submit"), data).status_code == 302
    assert Idea.objects.count() == 1


def test_two_visitors_of_the_cached_page_get_their_own_token_and_time_stamp():
    import re

    from django.test import Client

    pages = [Client().get(reverse("ideas:submit")).content.decode() for _ in range(2)]
    csrf = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p).group(1) for p in pages]
    assert csrf[0] != csrf[1]


def test_staff_and_visitors_with_messages_never_get_the_shared_page(client, outreach_staff):
    client.get(reverse("ideas:submit"))  # an anonymous visitor fills the cache
    client.force_login(outreach_staff)
    page = client.get(reverse("ideas:submit")).content.decode()
    assert reverse("ideas:intake") in page  # the staff's own menu


def _open_call(title: str, *, opens_on, closes_on):
    from ideas.models import CallForIdeas

    return CallForIdeas.objects.create(title={"sv": title}, opens_on=opens_on, closes_on=closes_on)


def test_the_home_page_of_a_first_time_visitor_comes_from_the_cache(client):
    from django.utils import timezone

    today = timezone.localdate()
    _open_call("Idéer för byn", opens_on=today, closes_on=today)
    first = Client().get(reverse("home")).content.decode()  # someone else fills the cache
    assert "Idéer för byn" in first
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    assert len(queries) == 0
    assert "Idéer för byn" in page


def test_a_call_shows_on_the_cached_home_page_the_day_it_opens_and_goes_when_it_closes(
    client, monkeypatch
):
    import datetime

    from django.utils import timezone

    from ideas import questions

    today = timezone.localdate()
    call = _open_call(
        "Sommarens idéer",
        opens_on=today + datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
    )
    questions.question_add(
        kind="text",
        required=False,
        texts={"sv": {"wording": "Vad behöver byn i sommar?"}},
        call=call,
    )
    assert "Sommarens idéer" not in Client().get(reverse("home")).content.decode()
    assert "Vad behöver byn i sommar?" not in Client().get(reverse("ideas:submit")).content.decode()
    # Midnight passes: nothing is saved, yet the page of the new day shows the call...
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    assert "Sommarens idéer" in client.get(reverse("home")).content.decode()
    assert "Vad behöver byn i sommar?" in Client().get(reverse("ideas:submit")).content.decode()
    # ...and the day after it has closed, it is gone.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=2))
    assert "Sommarens idéer" not in Client().get(reverse("home")).content.decode()


def test_a_new_call_shows_on_the_cached_home_page_at_once(client):
    from django.utils import timezone

    Client().get(reverse("home"))
    today = timezone.localdate()
    _open_call("Helt nytt upprop", opens_on=today, closes_on=today)
    assert "Helt nytt upprop" in client.get(reverse("home")).content.decode()


def test_the_cached_home_page_gives_each_visitor_a_working_language_switch():
    import re

    Client().get(reverse("home"))  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(reverse("home")).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    assert "hole" not in page
    answer = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert answer.status_code == 302
    assert (
        "Do you have an idea for your village or your town?"
        in visitor.get(answer["Location"]).content.decode()
    )


def test_staff_never_get_the_shared_home_page(client, outreach_staff):
    Client().get(reverse("home"))  # an anonymous visitor fills the cache
    client.force_login(outreach_staff)
    page = client.get(reverse("home")).content.decode()
    assert reverse("ideas:intake") in page  # the staff's own menu
    assert "Log in for staff" not in page and "Logga in" not in page.split("<main")[0]
