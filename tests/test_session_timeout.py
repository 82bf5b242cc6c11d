"""The warning before a staff session ends and the way to stay (WCAG 2.2.1), by the test client.

What the browser does with it (the dialog, the kept text) is in
tests/browser/test_session_timeout.py.
"""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from portal import security
from tests.factories import IdeaFactory
from triage.review.models import Note

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
IDLE = 30 * 60
REMAINING = re.compile(r'data-remaining-seconds="(\d+)"')


def _age_session(client: Client, *, idle: float, since_login: float = 60 * 60) -> None:
    session = client.session
    now = time.time()
    session[security.SESSION_LAST_SEEN] = now - idle
    session[security.SESSION_STARTED] = now - since_login
    session.save()


def _remaining_on(client: Client, path: str) -> int:
    response = client.get(path)
    assert response.status_code == 200
    found = REMAINING.findall(response.content.decode())
    assert len(found) == 1, found
    return int(found[0])


def test_a_visitor_who_is_not_logged_in_cannot_extend_a_session(client):
    response = client.post(reverse("portal:session_extend"))
    assert response.status_code == 403
    assert response.content == b""
    assert security.SESSION_LAST_SEEN not in client.session
    assert client.get(reverse("portal:session_extend")).status_code == 405


def test_staying_logged_in_restarts_the_idle_clock(client, committee_member):
    client.force_login(committee_member)
    # 50 seconds: page views refresh the clock only once a minute; staying always does.
    _age_session(client, idle=50)
    assert _remaining_on(client, reverse("triage:dashboard")) <= IDLE - 45
    response = client.post(reverse("portal:session_extend"))
    assert response.status_code == 204
    assert response.content == b""
    assert IDLE - 5 <= int(response["Session-Remaining-Seconds"]) <= IDLE
    assert time.time() - client.session[security.SESSION_LAST_SEEN] < 5
    assert _remaining_on(client, reverse("triage:dashboard")) >= IDLE - 5


def test_staying_logged_in_does_not_pass_the_twelve_hour_limit(client, committee_member):
    client.force_login(committee_member)
    _age_session(client, idle=IDLE - 90, since_login=12 * 60 * 60 - 100)
    response = client.post(reverse("portal:session_extend"))
    assert response.status_code == 204
    assert 90 <= int(response["Session-Remaining-Seconds"]) <= 100


def test_a_session_that_has_ended_cannot_be_extended(client, committee_member):
    client.force_login(committee_member)
    _age_session(client, idle=IDLE + 5)
    response = client.post(reverse("portal:session_extend"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("portal:session_extend")).status_code == 403


def test_staff_pages_tell_the_script_the_seconds_the_server_counts(client, committee_member):
    client.force_login(committee_member)
    assert IDLE - 5 <= _remaining_on(client, reverse("triage:dashboard")) <= IDLE
    # Idle for 20 minutes, then a page view less than a minute later than the last clock tick.
    _age_session(client, idle=20 * 60)
    assert IDLE - 5 <= _remaining_on(client, reverse("triage:dashboard")) <= IDLE
    _age_session(client, idle=50)  # the clock is refreshed at most once a minute
    assert IDLE - 55 <= _remaining_on(client, reverse("triage:dashboard")) <= IDLE - 45
    page = client.get(reverse("triage:dashboard")).content.decode()
    assert 'role="alertdialog"' in page
    assert 'src="/static/js/session-timeout.js" defer' in page


def test_resident_pages_carry_no_session_clock_and_no_warning(client):
    for path in ("/", reverse("ideas:submit"), reverse("contact"), reverse("how_it_works")):
        page = client.get(path).content.decode()
        assert "data-remaining-seconds" not in page, path
        assert "session-timeout" not in page, path


@pytest.mark.parametrize(
    ("language", "warning", "button"),
    [
        ("sv", "Du loggas snart ut", "Fortsätt vara inloggad"),
        ("en", "You will be logged out soon", "Stay logged in"),
    ],
)
def test_the_warning_speaks_the_page_language(client, committee_member, language, warning, button):
    client.force_login(committee_member)
    page = client.get(reverse("triage:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert warning in text and button in text


def test_a_note_sent_after_the_session_ended_leads_back_to_its_page_after_login(
    client, committee_member
):
    idea = IdeaFactory()
    page = reverse("triage:idea_detail", args=[idea.reference])
    client.force_login(committee_member)
    _age_session(client, idle=IDLE + 5)
    response = client.post(
        reverse("triage:idea_note", args=[idea.reference]),
        {"body": "Ring kommunen om lokalen"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [page]
    assert not Note.objects.filter(body="Ring kommunen om lokalen").exists()
    login = client.post(
        f"{reverse('login')}?next={page}",
        {"username": committee_member.username, "password": PASSWORD},
    )
    assert login["Location"] == page


def test_a_form_sent_from_another_site_is_not_followed_back_there(client, committee_member):
    idea = IdeaFactory()
    note_path = reverse("triage:idea_note", args=[idea.reference])
    client.force_login(committee_member)
    _age_session(client, idle=IDLE + 5)
    response = client.post(
        note_path, {"body": "x"}, HTTP_REFERER="https://evil.example/triage/ideas/"
    )
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [note_path]


def test_a_form_sent_after_the_session_ended_in_another_tab_leads_back_to_its_page(
    client, committee_member
):
    idea = IdeaFactory()
    page = reverse("triage:idea_detail", args=[idea.reference])
    client.force_login(committee_member)
    _age_session(client, idle=IDLE + 5)
    client.get(reverse("triage:dashboard"))  # the other tab: this ends the session
    response = client.post(
        reverse("triage:idea_note", args=[idea.reference]),
        {"body": "Ring kommunen"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [page]
