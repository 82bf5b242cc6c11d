"""Every page state, in every language it is offered in, in Chromium: accessible, in its language,
and narrow enough for a phone.

The page states are the ones people reach: tests/test_language_complete.py's walk drives every
page a resident reaches (forms posted empty or wrong, 404, 403, 400, 410, 429 included) in
Swedish, easy-to-read Swedish, English and Arabic, and tests/test_valid_html.py's walk drives the
coordinator's, the committee member's, the outreach staff's and a partner contact's pages with
their error states, with each role asking for Swedish, English or Arabic. Every response is kept
with the translation lookups made while it was rendered; each distinct page is then loaded in
one shared Chromium at its own address on the live server (its CSS and scripts load from there)
at 320 CSS px, and checked for:

- axe-core's WCAG 2.1 A/AA violations (the harness's check, conftest.py), and labels or links
  that point at no element;
- `lang` and `dir` of the language asked for, or, on a staff or partner page asked for in a
  language it is not written in, of the language it is served in (portal/languages.py);
- no string that falls back to another language: every msgid looked up while the page was
  rendered has a translation in the page's language (the watch of test_language_complete.py),
  and on a resident's page in easy-to-read Swedish its easy text, not the plain Swedish;
- no horizontal scrolling at 320 px (WCAG 1.4.10), wide tables scrolling in their own box.

Each run prints its counts; the totals are printed at the end of the pytest run.
"""

import hashlib
import re
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from portal.languages import is_resident_page, staff_page_language
from tests.browser.conftest import AXE_OPTIONS, REFERENCES_JS, format_violations
from tests.browser.test_pages import OVERFLOW_JS
from tests.test_language_complete import (  # noqa: F401
    lookups,
    walk,
    walk_every_resident_page,
)
from tests.test_valid_html import staff_and_partner_pages

# WCAG 2.4.11 Focus Not Obscured: a part that stays put while the page scrolls (a sticky header,
# a cookie bar, a fixed button) can hide the field that has the focus. The portal has none; this
# finds any that comes, shown on the page (a modal <dialog> holds the focus itself).
COVERING_JS = """() => [...document.querySelectorAll("body *")].filter((element) => {
  const style = getComputedStyle(element);
  return ["fixed", "sticky"].includes(style.position) && style.visibility !== "hidden"
    && element.getClientRects().length > 0 && !element.closest("dialog");
}).map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : ""))"""
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"csrfToken": "[^"]*"')
ROLES = {"samordnare": "coordinator", "ledamot": "committee member", "uppsok": "outreach staff"}


@dataclass
class PageState:
    """One response as its reader got it, with what the crawl needs to judge it."""

    method: str
    path: str
    status: int
    html: str
    who: str
    asked: str
    view_name: str | None
    untranslated: list[str]

    @property
    def served(self) -> str:
        """The language the page must be in: a resident's page (or an error page no URL
        matched) in the one asked for, a staff or partner page in one it is written in."""
        if self.view_name is None or is_resident_page(self.view_name):
            return self.asked
        return staff_page_language(self.asked)

    @property
    def lang(self) -> str:
        return "sv" if self.served == "sv-easy" else self.served

    @property
    def kind(self) -> tuple:
        """What axe-core checks once per language: a page, its method, its status, its
        reader (the tracking page at each step of the idea is one kind)."""
        return (self.view_name or self.path, self.method, self.status, self.who)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} (HTTP {self.status}, {self.who}, {self.asked})"


@dataclass
class Crawl:
    states: list[PageState] = field(default_factory=list)

    def distinct(self) -> list[PageState]:
        seen, kept = set(), []
        for state in self.states:
            key = hashlib.sha256(CSRF.sub("", state.html).encode()).hexdigest()
            if key not in seen:
                seen.add(key)
                kept.append(state)
        return kept


def _who(response) -> str:
    user = getattr(response.wsgi_request, "user", None)
    if user is None or not user.is_authenticated:
        return "resident or visitor"
    if user.username in ROLES:
        return ROLES[user.username]
    return "partner contact" if user.groups.filter(name="partner_contact").exists() else "staff"


@pytest.fixture
def crawl(monkeypatch, lookups) -> Crawl:  # noqa: F811
    """Every HTML page any test client gets while the fixture is on, with the strings looked up
    for it that have no translation in its language."""
    kept = Crawl()
    original = Client.request
    # Easy-to-read Swedish too: a string without its easy text shows plain Swedish there.
    lookups.languages.add("sv-easy")
    lookups.missing["sv-easy"], lookups.seen["sv-easy"] = set(), set()

    def request(self, **request):
        for missing in lookups.missing.values():
            missing.clear()
        response = original(self, **request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and response.content
        ):
            match = getattr(response.wsgi_request, "resolver_match", None)
            asked = self.cookies.get("django_language")
            kept.states.append(
                PageState(
                    method=request.get("REQUEST_METHOD", "GET"),
                    path=request["PATH_INFO"],
                    status=response.status_code,
                    html=response.content.decode(),
                    who=_who(response),
                    asked=asked.value if asked else self.defaults.get("HTTP_ACCEPT_LANGUAGE"),
                    view_name=match.view_name if match else None,
                    untranslated=sorted(set().union(*lookups.missing.values())),
                )
            )
        return response

    monkeypatch.setattr(Client, "request", request)
    return kept


TOTALS = {
    "runs": 0,
    "axed": 0,
    "states": 0,
    "crawled": 0,
    "axe": 0,
    "language": 0,
    "overflow": 0,
    "covering": 0,
}
LANGUAGES_SEEN: set[str] = set()
WHO_SEEN: set[str] = set()


def summary_line() -> str | None:
    """The counts of every crawl run so far (conftest.py prints them at the end of the run)."""
    if not TOTALS["runs"]:
        return None
    return (
        f"crawl: {TOTALS['crawled']} distinct page states ({TOTALS['states']} responses, "
        f"axe-core on {TOTALS['axed']} kinds of page) in {len(LANGUAGES_SEEN)} languages "
        f"({', '.join(sorted(LANGUAGES_SEEN))}) for {', '.join(sorted(WHO_SEEN))}; "
        f"axe violations {TOTALS['axe']}, pages in the wrong language {TOTALS['language']}, "
        f"wider than 320 px {TOTALS['overflow']}, "
        f"with a fixed or sticky part that can hide the focus {TOTALS['covering']}"
    )


def _fulfil(html: str):
    return lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")


def crawl_in_chromium(
    browser, live_server, states: list[PageState]
) -> tuple[dict[str, list[str]], int]:
    """Load each page at its own address at 320 px; give back what each check found wrong,
    and on how many pages axe-core ran (once per kind of page, see PageState.kind)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    context.set_default_timeout(10_000)
    page = context.new_page()
    found: dict[str, list[str]] = {"axe": [], "language": [], "overflow": [], "covering": []}
    axed: set[tuple] = set()
    try:
        for state in states:
            url = live_server.url + state.path
            page.route(lambda u, url=url: u.split("#")[0] == url, _fulfil(state.html), times=1)
            page.goto(url)
            if state.kind not in axed:
                axed.add(state.kind)
                violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
                if violations:
                    found["axe"].append(f"{state.name}: {format_violations(url, violations)}")
            broken = page.evaluate(REFERENCES_JS)
            if any(broken.values()):
                found["axe"].append(f"{state.name}: broken id references {broken}")
            html = page.locator("html")
            declared = (html.get_attribute("lang"), html.get_attribute("dir"))
            wanted = (state.lang, "rtl" if state.lang == "ar" else "ltr")
            wrong = []
            # The printed receipt is the outreach staff's page around the resident's paper: its
            # <html lang> is the staff's language, which the resident's walk does not set; the
            # walk checks the paper's own lang itself (tests/test_language_complete.py).
            staff_receipt = state.view_name == "ideas:intake_receipt"
            if declared != wanted and not staff_receipt:
                wrong.append(f"says {declared}, not {wanted}")
            if state.untranslated:
                wrong.append(f"untranslated {state.untranslated}")
            if wrong:
                found["language"].append(f"{state.name}: {'; '.join(wrong)}")
            measured = page.evaluate(OVERFLOW_JS)
            if measured["overflow"] > 0:
                found["overflow"].append(f"{state.name}: {measured}")
            covering = page.evaluate(COVERING_JS)
            if covering:
                found["covering"].append(f"{state.name}: {covering}")
    finally:
        context.close()
    return found, len(axed)


def report(crawl: Crawl, found: dict[str, list[str]], crawled: list[PageState], axed: int) -> str:
    TOTALS["runs"] += 1
    TOTALS["axed"] += axed
    TOTALS["states"] += len(crawl.states)
    TOTALS["crawled"] += len(crawled)
    for check, failures in found.items():
        TOTALS[check] += len(failures)
    LANGUAGES_SEEN.update(state.asked for state in crawled)
    WHO_SEEN.update(state.who for state in crawled)
    lines = [
        f"{len(crawled)} distinct page states of {len(crawl.states)} responses, "
        f"axe-core on {axed}; "
        + ", ".join(f"{check}: {len(failures)}" for check, failures in found.items())
    ]
    for check, failures in found.items():
        lines += [f"[{check}] {failure}" for failure in failures]
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["sv", "sv-easy", "en", "ar"])
def test_every_resident_page_state_in_its_language(
    walk,  # noqa: F811
    crawl,
    browser,
    live_server,
    django_db_serialized_rollback,
    monkeypatch,
    language,
):
    from tests.journeys import conftest as journeys

    monkeypatch.setitem(journeys.WRITES, "sv-easy", journeys.WRITES["sv"])
    walk_every_resident_page(walk, language, declared="sv" if language == "sv-easy" else None)
    states = [state for state in crawl.distinct() if state.asked == language]
    assert len(states) > 50, f"the walk reached only {len(states)} page states in {language}"

    found, axed = crawl_in_chromium(browser, live_server, states)

    summary = report(crawl, found, states, axed)
    print(summary)
    assert not any(found.values()), summary


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_every_role_page_state_in_each_language(
    walk,  # noqa: F811
    crawl,
    browser,
    live_server,
    django_db_serialized_rollback,
    monkeypatch,
    outreach_staff,
    partner_contact,
    language,
):
    """The coordinator's, committee member's, outreach staff's and partner contact's pages,
    each person asking for `language`; the 404 and 403 pages they meet too."""
    from tests.journeys import conftest as journeys

    monkeypatch.setattr(journeys, "STAFF_LANGUAGE", language)
    for client in (walk.staff, walk.member, walk.outreach):
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    staff_and_partner_pages(walk)
    assert walk.outreach.get(reverse("triage:dashboard")).status_code == 403
    partner = Client(HTTP_ACCEPT_LANGUAGE=language)
    partner.force_login(partner_contact)
    assert partner.get(reverse("triage:dashboard")).status_code == 403
    assert walk.staff.get("/no-such-page/").status_code == 404
    states = [
        state
        for state in crawl.distinct()
        if state.asked == language and state.who != "resident or visitor"
    ]
    who = {state.who for state in states}
    assert {"coordinator", "committee member", "outreach staff", "partner contact"} <= who, who

    found, axed = crawl_in_chromium(browser, live_server, states)

    summary = report(crawl, found, states, axed)
    print(summary)
    assert not any(found.values()), summary
