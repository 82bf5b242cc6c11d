"""Error pages that cannot fail in turn: no database, no context processors, no session.

The server error page (handler500), the "busy" page (a database timeout, 503), the bad request
page (handler400) and the refused form (a failed CSRF check, 403) are rendered from a
self-contained template with a plain context, in the visitor's language as the language cookie
or the browser's Accept-Language asks: Django's own pages for these say lang="en" whatever
language their text is in. Should even that fail, a fixed two-language text is sent.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template import Context, Engine
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils import translation

from portal.database import is_timeout

logger = logging.getLogger(__name__)

LAST_RESORT = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Idélotsen</title></head><body><main>
<h1>Något gick fel</h1><p>Försök igen om en stund.</p>
<h1 lang="en">Something went wrong</h1><p lang="en">Please try again in a while.</p>
</main></body></html>"""


def visitor_language(request: HttpRequest) -> str:
    """The language the visitor chose (cookie) or their browser asks for; Swedish otherwise."""
    try:
        return translation.get_language_from_request(request) or settings.LANGUAGE_CODE
    except Exception:  # noqa: BLE001 - an error page must not fail on a strange header
        return settings.LANGUAGE_CODE


def static_error_page(
    request: HttpRequest, *, status: int, template_name: str = "", language: str | None = None
) -> HttpResponse:
    """Render templates/<status>.html (or `template_name`) without the database or the context
    processors, in `language` or else the visitor's."""
    language = language or visitor_language(request)
    html: str
    try:
        with translation.override(language):
            template = Engine.get_default().get_template(template_name or f"{status}.html")
            html = template.render(
                Context(
                    {
                        "html_lang": language.split("-")[0],
                        "rtl": translation.get_language_bidi(),
                        "stylesheet": static(
                            "vendor/bootstrap/bootstrap.rtl.min.css"
                            if translation.get_language_bidi()
                            else "vendor/bootstrap/bootstrap.min.css"
                        ),
                        "partnership": settings.PRIVACY_CONTROLLER,
                        "contact_email": settings.COORDINATOR_EMAIL,
                    }
                )
            )
    except Exception:  # noqa: BLE001 - the visitor gets a page whatever breaks here
        logger.exception("The %s page could not be rendered", status)
        html = LAST_RESORT
    return HttpResponse(html, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a page in the visitor's language with the partnership's contact details."""
    return static_error_page(request, status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the request could not be read (a broken upload, too many fields)."""
    return static_error_page(request, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its token (an old page, cookies blocked); the
    reason is logged by Django (django.security.csrf) and is not for the visitor."""
    return static_error_page(
        request, status=403, template_name="403_csrf.html", language=tracked_idea_language(request)
    )


def tracked_idea_language(request: HttpRequest) -> str | None:
    """The language of the idea whose private link the request is behind, or None. A form there
    is refused in the idea's language, as its page is shown (ideas.views.in_idea_language): the
    refusal comes before the view, so it looks the idea up itself."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    token = match.kwargs.get("token")
    if match.namespace != "ideas" or not isinstance(token, str):
        return None
    from ideas.selectors import idea_for_tracking_token  # the refusal page of an ideas URL

    try:
        idea = idea_for_tracking_token(token)
    except DatabaseError:
        return None
    return idea.language if idea is not None else None


class DatabaseBusyMiddleware:
    """Answer a request whose database statement or lock timed out with the "busy" page (503).

    Nothing was saved (the transaction rolled back). The idea form handles its own timeouts and
    shows the form again with everything typed (ideas.views.idea_submit).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_timeout(exception):
            logger.warning("Database timeout on %s %s: %s", request.method, request.path, exception)
            response = static_error_page(request, status=503)
            response["Retry-After"] = "60"
            return response
        return None
