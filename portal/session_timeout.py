"""The warning before a staff session ends, and the way to stay logged in (WCAG 2.2.1).

Every logged-in page carries the seconds its session has left, computed here from the session's
own clock (portal.security), so the server stays the source of truth. static/js/session-timeout.js
shows a dialog STAFF_SESSION_WARNING_SECONDS before the end; its "Stay logged in" button posts to
`portal:session_extend`, which restarts the idle clock and answers 204 with the new remaining
seconds in a header. Without JavaScript the page is unchanged and the session ends as before.

Nothing typed is lost when the session ends anyway. The script keeps what is typed into each
textarea in the tab's sessionStorage, keyed by page, form and field, and fills it back in when
the same member lands on that page in a later session of the same tab (after logging in again,
portal.security.page_before_login sends them back to the page the form was on). We chose this
over keeping the expired POST on the server because:
- the text stays in the browser that typed it: no copy of notes about residents on the server
  outside the database, no token to guard, and a cache outage cannot lose it;
- it needs no change to the views: every form is filled in the same way, by field name;
- it ends with the tab, and the script removes it at logout, after a form is sent within the
  same session (the server then has it, saved or shown again with its errors), and when a
  different member logs in in the tab. Only textareas are kept: never passwords or files.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from portal.security import SESSION_STARTED, session_remaining_seconds, session_touch

REMAINING_HEADER = "Session-Remaining-Seconds"


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """Restart the logged-in session's idle clock; 204 with the seconds now left, 403 if none."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    now = time.time()
    session_touch(request.session, now)
    response = HttpResponse(status=204)
    response[REMAINING_HEADER] = str(session_remaining_seconds(request.session, now))
    return response


def page_session_clock(request: HttpRequest) -> dict[str, int] | None:
    """What the page tells the warning script: seconds left and the session's start (the
    script keeps drafts per session); None for a visitor who is not logged in."""
    if not request.user.is_authenticated:
        return None
    now = time.time()
    remaining = session_remaining_seconds(request.session, now)
    if remaining is None:
        return None
    return {
        "remaining": remaining,
        "session": int(request.session[SESSION_STARTED]),
        "user": int(request.user.pk),
        "warning": settings.STAFF_SESSION_WARNING_SECONDS,
    }


urlpatterns = [
    path(
        "session/",
        include(([path("extend/", session_extend, name="session_extend")], "portal")),
    ),
]
