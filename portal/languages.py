"""Which language a page is served in: never one it is not written in.

Django's LocaleMiddleware takes the visitor's language (the switch's cookie, else the browser's
Accept-Language). The resident's pages are written in every language of LANGUAGES (Arabic
included); the tracking link's pages then follow the idea's own language (`in_idea_language` in
ideas/views.py). Every other page (the committee's, the partners', the outbox, the admin, the
staff login) is written only in STAFF_LANGUAGES. Asked for in another language, it is served in
STAFF_FALLBACK_LANGUAGE, and base.html says so in the language asked for; their language switch
offers only the languages they are written in.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# The pages a resident reaches, by URL name: written in every language of LANGUAGES.
RESIDENT_PAGES = frozenset(
    {
        "home",
        "ideas:submit",
        "ideas:submitted",
        "ideas:draft",
        "ideas:lost_link",
        "ideas:short_code",
        "ideas:paper_form",
        "open_data",
        "ideas:short_link",
        "ideas:track",
        "ideas:original",
        "ideas:answer",
        "ideas:withdraw",
        "ideas:my_data",
        "ideas:my_data_page",
        "ideas:my_data_keys",
        "ideas:erase",
        "ideas:public_listing",
        "follow_up:survey",
        "partner_consent:decide",
        "partner_consent:reply",
        "privacy_notice",
        "accessibility_statement",
        "how_it_works",
        "contact",
        "about",
        "needs",
        "set_language",
    }
)
# The request's attribute that holds the language asked for, when the page is served in another.
LANGUAGE_ASKED = "language_asked"


def is_resident_page(view_name: str | None) -> bool:
    return view_name in RESIDENT_PAGES


def written_in(language: str, languages: list[str] | tuple[str, ...]) -> bool:
    """Whether a page written in `languages` is written in `language`: easy-to-read Swedish
    is Swedish (its catalogue falls back to plain Swedish, and its pages say lang="sv")."""
    return language.split("-")[0] in {code.split("-")[0] for code in languages}


def page_languages(view_name: str | None) -> list[str]:
    """The codes of LANGUAGES a page is offered in (the language switch lists them): all of
    them on a resident's page or a page no URL matched (an error page), the staff languages on
    every other."""
    codes = [code for code, _name in settings.LANGUAGES]
    if view_name is None or is_resident_page(view_name):
        return codes
    return [code for code in codes if written_in(code, settings.STAFF_LANGUAGES)]


def staff_page_language(language: str) -> str:
    """The language a staff or partner page asked for in `language` is served in."""
    if written_in(language, settings.STAFF_LANGUAGES):
        return language
    return settings.STAFF_FALLBACK_LANGUAGE


class PageLanguageMiddleware:
    """Serve a staff or partner page in a language it is written in (after LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or is_resident_page(match.view_name):
            return None
        asked = translation.get_language() or settings.LANGUAGE_CODE
        served = staff_page_language(asked)
        if served != asked:
            translation.activate(served)
            # LocaleMiddleware's Content-Language then names the language served.
            request.LANGUAGE_CODE = served
            setattr(request, LANGUAGE_ASKED, asked)
        return None
