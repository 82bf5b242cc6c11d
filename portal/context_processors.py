from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils import translation

from portal.branding import branding
from portal.languages import page_languages
from portal.public_access import public_access
from portal.roles import COMMITTEE_ROLES, Role, has_role

NAV_URL_NAMES = (
    "home",
    "ideas:submit",
    "ideas:intake",
    "triage:dashboard",
    "triage:statistics",
    "partners:list",
    "outbox:list",
    "partner_portal:referral_list",
    "set_language",
    "login",
    "logout",
    "privacy_notice",
    "accessibility_statement",
    "how_it_works",
    "contact",
    "about",
    "needs",
    "brand_css",
    "password_change",
    "two_factor_setup",
)


@lru_cache(maxsize=8)
def nav_urls(script_prefix: str) -> dict[str, str]:
    """The addresses every page links to, reversed once per process instead of per page."""
    return {name.replace(":", "_"): reverse(name) for name in NAV_URL_NAMES}


def portal(request: HttpRequest) -> dict:
    """Put the user's staff roles, the site URL and the partnership's identity into every
    template."""
    user = request.user
    current = translation.get_language() or settings.LANGUAGE_CODE
    match = getattr(request, "resolver_match", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "nav": nav_urls(get_script_prefix()),
        "brand": branding(),
        # The document's lang attribute: easy-to-read Swedish is Swedish to a screen reader.
        "html_lang": current.split("-")[0],
        # The languages the page is written in, its own marked current (base.html says so with
        # aria-current): a staff or partner page offers no language it is not written in.
        "language_switch": [
            {
                "code": code,
                "name": settings.LANGUAGE_NATIVE_NAMES.get(code, code),
                "lang": code.split("-")[0],
                "current": code == current,
            }
            for code in page_languages(match.view_name if match else None)
        ],
        # Whether the host is a public body: the idea form and the privacy notice say so.
        "public_access": public_access(),
        "is_committee": has_role(user, *COMMITTEE_ROLES),
        "is_coordinator": has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR),
        "is_outreach": has_role(user, Role.OUTREACH_STAFF, Role.COORDINATOR, Role.ADMINISTRATOR),
        "is_partner_contact": has_role(user, Role.PARTNER_CONTACT),
    }
