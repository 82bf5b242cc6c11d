"""The public pages that are the same for everyone in a language, the empty submission form
and the home page: render them once and reuse them.

Two levels. The form's HTML is a cached template fragment for every visitor. For a first-time
anonymous visitor (no session, no pending messages, no query string) the whole page is cached,
the form page and the home page alike, with holes punched where each request needs its own
values: the CSRF token (the language switch and the form) and the signed time the form was
handed out. The choices come from the vocabulary (municipalities, themes, kinds of support,
calls for ideas), so any change there bumps a version that is part of every key; so is the
day, so a call that opens or closes at midnight shows from its first minute; a time-out bounds
the rest (a changed template shows within minutes).
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "ideas.form_cache_version"
PAGE_TIMEOUT = 5 * 60
# Never valid as a CSRF token or a signed time stamp, so a hole left unfilled fails safely.
CSRF_HOLE = "ideas-csrf-hole-5e1c"
STARTED_HOLE = "ideas-started-hole-5e1c"


def form_cache_version() -> int:
    version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
    return 1 if version is None else int(version)


def shared_version() -> str:
    """What every cached public piece is keyed on: the vocabulary's version and today's date."""
    return f"{form_cache_version()}-{timezone.localdate().isoformat()}"


def form_cache_bump(**_signal_kwargs: object) -> None:
    """Make every cached form stale; connected to saves and deletes of the vocabulary."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def page_is_shared(request: HttpRequest) -> bool:
    """Tell whether this visitor sees exactly what every first-time visitor sees."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def shared_page(
    request: HttpRequest,
    render_page: Callable[[dict], HttpResponse],
    started: Callable[[], str] | None = None,
) -> HttpResponse:
    """Serve the page from the cache, filling in this request's CSRF token and time stamp.

    `render_page(holes)` renders the page with the holes as the CSRF token and (for a page
    with a form, which passes `started`) the time stamp.
    """
    key = f"ideas.shared_page:{get_language()}:{shared_version()}:{request.path}"
    html = cache.get(key)
    if html is None:
        holes = {"csrf_token": CSRF_HOLE}
        if started is not None:
            holes["started"] = STARTED_HOLE
        response = render_page(holes)
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(key, html, PAGE_TIMEOUT)
    html = html.replace(CSRF_HOLE, get_token(request))
    if started is not None:
        html = html.replace(STARTED_HOLE, started())
    return HttpResponse(html)
