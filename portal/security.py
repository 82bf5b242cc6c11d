"""Middleware that protects staff sessions and keeps private pages out of caches."""

import time
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

SESSION_STARTED = "portal.session_started"
SESSION_LAST_SEEN = "portal.session_last_seen"
# Refresh the idle clock at most this often, so that not every request writes the session.
LAST_SEEN_RESOLUTION_SECONDS = 60


def session_expired(session: SessionBase, now: float) -> bool:
    """Tell whether a logged-in session is past its idle or absolute limit."""
    started = session.get(SESSION_STARTED)
    last_seen = session.get(SESSION_LAST_SEEN)
    if started is None or last_seen is None:
        return False
    return (
        now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS
        or now - started > settings.STAFF_SESSION_MAX_SECONDS
    )


def session_remaining_seconds(session: SessionBase, now: float) -> int | None:
    """The seconds a logged-in session has left before its idle or absolute limit ends it;
    None when the session carries no clock (not logged in)."""
    started = session.get(SESSION_STARTED)
    last_seen = session.get(SESSION_LAST_SEEN)
    if started is None or last_seen is None:
        return None
    left = min(
        last_seen + settings.STAFF_SESSION_IDLE_SECONDS,
        started + settings.STAFF_SESSION_MAX_SECONDS,
    )
    return max(0, int(left - now))


def session_touch(session: SessionBase, now: float) -> None:
    """Restart a logged-in session's idle clock (the absolute limit still holds)."""
    session.setdefault(SESSION_STARTED, now)
    session[SESSION_LAST_SEEN] = now


def page_before_login(request: HttpRequest) -> str:
    """Where to come back to after logging in again: for a form sent after the session ended,
    the page the form was on (its same-site Referer), so that the browser's kept draft
    (static/js/session-timeout.js) is filled back in there; else the address asked for."""
    referer = request.META.get("HTTP_REFERER", "")
    if request.method == "POST" and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: behind our own proxy, the one the proxy saw; else the socket's.

    The proxy appends the address it received from; anything to the left of it in
    X-Forwarded-For came from the client and could be forged.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


class StaffSessionLimitMiddleware:
    """End a logged-in session after 30 minutes idle or 12 hours in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if session_expired(session, now):
                logout(request)
                messages.info(
                    request,
                    _("You were logged out because your session ended. Please log in again."),
                )
                return redirect_to_login(page_before_login(request))
            session.setdefault(SESSION_STARTED, now)
            if now - session.get(SESSION_LAST_SEEN, 0) > LAST_SEEN_RESOLUTION_SECONDS:
                session[SESSION_LAST_SEEN] = now
            return self.get_response(request)
        response = self.get_response(request)
        # A form sent after the session ended elsewhere (another tab, the warning's own
        # request) is refused by the view's login check: come back to the form's page too.
        login = resolve_url(settings.LOGIN_URL)
        if (
            request.method == "POST"
            and response.status_code == 302
            and response.get("Location", "").startswith(f"{login}?")
        ):
            return redirect_to_login(page_before_login(request))
        return response


class TwoFactorRequiredMiddleware:
    """Send staff users (portal.two_factor.TWO_FACTOR_ROLES) to their second factor first."""

    EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.two_factor import session_verified, two_factor_needed

        user = request.user
        if (
            user.is_authenticated
            and not session_verified(user)
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and two_factor_needed(user)
        ):
            return redirect(f"{reverse('two_factor_verify')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Forbid caching of every page the portal renders (static files are served before this).

    Staff pages and tracking pages carry personal data; public pages carry a CSRF token.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
