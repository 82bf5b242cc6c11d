"""Headers, cookies, sessions and login lockout, checked through the test client."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal import security
from portal.outbox.models import Message
from portal.roles import Role
from portal.settings import https_settings
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def production(settings):
    """Switch on the settings production runs with (debug off)."""
    for name, value in https_settings().items():
        setattr(settings, name, value)
    settings.DEBUG = False
    return settings


def responses_of_every_kind(client: Client):
    idea = IdeaFactory()
    client.raise_request_exception = False
    return {
        200: client.get("/", secure=True),
        302: client.get(reverse("triage:dashboard"), secure=True),
        404: client.get("/no-such-page/", secure=True),
        500: client.get("/broken/", secure=True),
        "idea": idea,
    }


@pytest.mark.urls("tests.urls_with_error")
def test_security_headers_are_on_every_kind_of_response(client, production):
    responses = responses_of_every_kind(client)
    for status in (200, 302, 404, 500):
        response = responses[status]
        assert response.status_code == status
        csp = response["Content-Security-Policy"]
        for directive in (
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
        ):
            assert directive in csp, (status, csp)
        assert "unsafe-inline" not in csp
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cache-Control"] == "no-store"


def test_plain_http_is_redirected_to_https_in_production(client, production):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_cookies_are_secure_httponly_and_samesite_in_production(client, production):
    user = UserFactory(roles=[Role.COORDINATOR])
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, secure=True
    )
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get(reverse("ideas:submit"), secure=True).cookies.get("csrftoken")
    if csrf is not None:
        assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_staff_and_tracking_pages_are_never_cached(client):
    user = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    client.force_login(user)
    assert client.get(reverse("triage:dashboard"))["Cache-Control"] == "no-store"
    anonymous = Client()
    assert anonymous.get(reverse("ideas:track", args=["x" * 32]))["Cache-Control"] == "no-store"


def test_the_session_key_changes_at_login(client):
    user = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    client.get(reverse("ideas:submit"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.session.session_key != before
    assert client.get(reverse("triage:dashboard")).status_code == 200


def _age_session(client: Client, *, idle: float, since_login: float) -> None:
    session = client.session
    now = time.time()
    session[security.SESSION_LAST_SEEN] = now - idle
    session[security.SESSION_STARTED] = now - since_login
    session.save()


def test_a_staff_session_ends_after_thirty_minutes_idle(client):
    client.force_login(UserFactory(roles=[Role.COMMITTEE_MEMBER]))
    assert client.get(reverse("triage:dashboard")).status_code == 200
    _age_session(client, idle=29 * 60, since_login=60 * 60)
    assert client.get(reverse("triage:dashboard")).status_code == 200
    _age_session(client, idle=31 * 60, since_login=60 * 60)
    response = client.get(reverse("triage:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("triage:dashboard")).status_code == 302


def test_a_staff_session_ends_after_twelve_hours_even_when_active(client):
    client.force_login(UserFactory(roles=[Role.COMMITTEE_MEMBER]))
    client.get(reverse("triage:dashboard"))
    _age_session(client, idle=10, since_login=12 * 60 * 60 + 5)
    assert client.get(reverse("triage:dashboard")).status_code == 302


def test_logging_out_and_deactivation_end_the_session(client):
    user = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    client.force_login(user)
    stolen = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get(reverse("triage:dashboard")).status_code == 302

    client.force_login(user)
    assert client.get(reverse("triage:dashboard")).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(reverse("triage:dashboard")).status_code == 302


def _login(client: Client, username: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.axes
def test_five_failed_logins_lock_the_user_name_from_that_address_only():
    user = UserFactory(roles=[Role.COORDINATOR])
    attacker, owner = Client(), Client()
    for _attempt in range(4):
        assert _login(attacker, user.username, "wrong-password", "203.0.113.9").status_code == 200
    assert _login(attacker, user.username, "wrong-password", "203.0.113.9").status_code == 429
    locked = _login(attacker, user.username, PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    from_home = _login(owner, user.username, PASSWORD, "198.51.100.7")
    assert from_home.status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


@pytest.mark.axes
def test_four_failures_do_not_lock_and_a_success_resets_the_count():
    user = UserFactory(roles=[Role.COORDINATOR])
    client = Client()
    for _attempt in range(4):
        _login(client, user.username, "wrong-password", "203.0.113.10")
    assert _login(client, user.username, PASSWORD, "203.0.113.10").status_code == 302


def test_passwords_need_twelve_characters_and_not_a_common_one():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("kort-ord", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("fjällräven-ramsberg-2026")


def test_a_forged_forwarded_for_header_does_not_change_the_address_without_a_proxy(settings, rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    settings.BEHIND_PROXY = False
    assert security.client_ip(request) == "203.0.113.5"
    settings.BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.77")
    assert security.client_ip(request) == "203.0.113.77"


def _fail_from_many_addresses(username: str, *, addresses: int = 5, each: int = 4) -> None:
    for number in range(addresses):
        attacker = Client()
        for _attempt in range(each):
            response = _login(attacker, username, "wrong-password", f"203.0.113.{20 + number}")
            assert response.status_code == 200  # under the limit of one address


@pytest.mark.axes
def test_twenty_failures_from_five_addresses_lock_the_account_from_every_address():
    user = UserFactory(roles=[Role.COORDINATOR])
    _fail_from_many_addresses(user.username)

    owner = Client()
    locked = _login(owner, user.username, PASSWORD, "198.51.100.7")

    assert locked.status_code == 429
    assert "_auth_user_id" not in owner.session
    page = locked.content.decode()
    assert "Användarnamnet är låst i några minuter" in page
    assert "Vänta 5 minuter" in page
    assert 'href="/accounts/password/reset/"' in page


@pytest.mark.axes
def test_nineteen_failures_from_many_addresses_do_not_lock_the_account():
    user = UserFactory(roles=[Role.COORDINATOR])
    _fail_from_many_addresses(user.username, addresses=19, each=1)
    assert _login(Client(), user.username, PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.axes
def test_the_account_lock_ends_after_its_window_and_failures_during_it_do_not_prolong_it():
    from axes.models import AccessAttempt, AccessAttemptExpiration

    user = UserFactory(roles=[Role.COORDINATOR])
    _fail_from_many_addresses(user.username)
    _login(Client(), user.username, "still-guessing", "203.0.113.99")  # during the lock
    assert AccessAttempt.objects.filter(ip_address="203.0.113.99").count() == 0

    past = django_settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - past)
    AccessAttemptExpiration.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _login(Client(), user.username, PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.axes
def test_a_password_reset_lifts_the_account_lock(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    _fail_from_many_addresses(user.username)
    assert _login(Client(), user.username, PASSWORD, "198.51.100.7").status_code == 429

    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(
        r"https?://\S+/accounts/password/reset/\S+/\S+/",
        Message.objects.get(recipient=user.email).body_text,
    ).group(0)
    form_url = client.get(urlsplit(link).path)["Location"]
    response = client.post(
        form_url,
        {
            "new_password1": "ett-helt-nytt-lösenord-2026",
            "new_password2": "ett-helt-nytt-lösenord-2026",
        },
    )
    assert response["Location"] == reverse("password_reset_complete")

    home = Client()
    assert (
        _login(home, user.username, "ett-helt-nytt-lösenord-2026", "198.51.100.7").status_code
        == 302
    )
