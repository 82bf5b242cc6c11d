"""The browser harness: headless Debian Chromium driven by Playwright, axe-core on every page.

Every test in this folder is marked `browser` and is skipped, with the reason printed, when no
`chromium` is on the PATH. Tests reach pages only through the `portal` fixture: `visit`,
`submit`, `follow` and `navigation` run axe-core (WCAG 2.1 A and AA) on each page they land on
and fail listing the violations, and fail on labels, descriptions or in-page links that point at
no element or at several; a page that loaded without being checked fails the test too, and the
last page of a test is checked when the test ends. `tab_to` walks with the Tab key and fails on
an element that shows no focus indicator. `portal_without_js` does the same with JavaScript off.
"""

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = shutil.which("chromium")
SKIP_REASON = "no Chromium found: browser tests skipped; install the chromium package"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
PASSWORD = "a-long-test-password"  # the one tests.factories.UserFactory sets
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder `browser`; skip them all when there is no Chromium."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter):
    """Say plainly at the end of the run whether the browser tests ran, and with what."""
    collected = [
        report
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "nodeid", "").startswith("tests/browser/")
    ]
    if not collected:
        return
    if CHROMIUM is None:
        terminalreporter.write_line(f"browser tests: {SKIP_REASON}", yellow=True, bold=True)
    else:
        terminalreporter.write_line(f"browser tests: ran with {CHROMIUM} and axe-core")
    crawl = sys.modules.get("tests.browser.test_crawl")
    line = crawl.summary_line() if crawl else None
    if line:
        terminalreporter.write_line(line)


def format_violations(url: str, violations: list[dict]) -> str:
    """Say which WCAG rules a page breaks, where, and how to fix each."""
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"  * {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"    {summary[:400]}")
    return "\n".join(lines)


class Portal:
    """A Playwright page that checks accessibility on every page it lands on."""

    def __init__(self, page, base_url: str, inspector=None):
        self.page = page
        self.base_url = base_url
        # With JavaScript off axe cannot run in the page itself, so a JavaScript-enabled
        # inspector page loads the very same HTML under the same URL and runs axe there.
        self.inspector = inspector
        self.checked: list[str] = []
        self.unchecked: list[str] = []
        page.on("load", self._loaded)

    def _loaded(self, page) -> None:
        if page.url != "about:blank":
            self.unchecked.append(page.url)

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    # -- accessibility -------------------------------------------------------------------------
    def check(self) -> None:
        """Run axe-core on the current page; fail listing every WCAG 2.1 A/AA violation."""
        self.page.wait_for_load_state("load")
        url = self.page.url
        if self.inspector is None:
            results = Axe().run(self.page, options=AXE_OPTIONS)
        else:
            html = self.page.content()
            self.inspector.route(
                lambda u: u == url,
                lambda route: route.fulfill(body=html, content_type="text/html"),
                times=1,
            )
            self.inspector.goto(url)
            results = Axe().run(self.inspector, options=AXE_OPTIONS)
        # Pages loaded since the last check and not the current one were never checked.
        missed = [u for u in self.unchecked[:-1] if u != url]
        self.unchecked.clear()
        assert not missed, f"pages loaded without an accessibility check: {missed}"
        self.checked.append(url)
        violations = results.response["violations"]
        assert not violations, format_violations(url, violations)
        broken = (self.inspector or self.page).evaluate(REFERENCES_JS)
        assert not any(broken.values()), f"broken id references on {url}: {broken}"

    # -- moving around -------------------------------------------------------------------------
    def visit(self, path: str, *, expect_status: int = 200):
        """Open a page of the portal and check it."""
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == expect_status, (
            f"GET {path}: HTTP {response and response.status}, expected {expect_status}"
        )
        self.check()
        return self.page

    @contextmanager
    def navigation(self) -> Iterator[None]:
        """Wrap whatever leads to a new page (click, Enter, Space); the new page is checked."""
        with self.page.expect_navigation():
            yield
        self.check()

    def submit(self, button) -> None:
        """Click a submit button (a Locator or a CSS selector) and check the resulting page."""
        if isinstance(button, str):
            button = self.page.locator(button)
        with self.navigation():
            button.click()

    def follow(self, link) -> None:
        """Follow a link (a Locator or a CSS selector) and check the resulting page."""
        self.submit(link)

    def login(self, user, password: str = PASSWORD) -> None:
        """Log in through the real login form, as a person would."""
        self.visit("/accounts/login/")
        self.page.locator("#id_username").fill(user.get_username())
        self.page.locator("#id_password").fill(password)
        self.submit("main form button[type=submit]")
        assert "/accounts/login/" not in self.page.url, f"login failed for {user}"

    def logout(self) -> None:
        """Log out with the button in the page header."""
        self.submit("header form[action$='/logout/'] button[type=submit]")

    # -- keyboard ------------------------------------------------------------------------------
    def focused(self, selector: str) -> bool:
        return self.page.evaluate(
            "selector => !!document.activeElement && document.activeElement.matches(selector)",
            selector,
        )

    def tab_to(self, selector: str, *, limit: int = 80) -> None:
        """Press Tab until the element matching `selector` has focus; check focus is visible."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            assert_focus_visible(self.page)
            if self.focused(selector):
                return
        pytest.fail(f"{selector} was not reached with {limit} presses of Tab")


# What axe-core leaves out: a label, description or in-page link must point at exactly one
# element, or a screen reader reads the wrong text (or none) and the link goes nowhere.
REFERENCES_JS = """() => {
  const count = {};
  document.querySelectorAll('[id]').forEach(el => { count[el.id] = (count[el.id] || 0) + 1; });
  const refs = new Set();
  document.querySelectorAll('label[for]').forEach(label => refs.add(label.htmlFor));
  for (const name of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    document.querySelectorAll(`[${name}]`).forEach(el =>
      el.getAttribute(name).split(/\\s+/).filter(Boolean).forEach(id => refs.add(id)));
  }
  const links = new Set();
  document.querySelectorAll('a[href^="#"]').forEach(a => {
    if (a.hash.length > 1) links.add(decodeURIComponent(a.hash.slice(1)));
  });
  return {
    duplicated: [...new Set([...refs, ...links])].filter(id => count[id] > 1),
    missing: [...refs].filter(id => !count[id]),
    links_to_nowhere: [...links].filter(id => !count[id]),
  };
}"""


FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {visible: outline || shadow, html: el.outerHTML.slice(0, 200)};
}"""


def assert_focus_visible(page) -> None:
    """The focused element shows a focus indicator (outline or box shadow)."""
    state = page.evaluate(FOCUS_STYLE_JS)
    if state is not None:
        assert state["visible"], f"no visible focus indicator on {state['html']}"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The data the migrations load (municipalities, themes, criteria), kept by Django to restore
    # it before each transactional test. Playwright's sync API runs an event loop in this
    # thread, and from then on Django keeps its connections per context: a fresh connection
    # object that knows nothing of these contents, so hand them over.
    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    with sync_playwright() as playwright:
        if serialized is not None:
            connections["default"]._test_serialized_contents = serialized
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _browser_friendly_limits(settings):
    """People in a browser test fill forms faster than the spam check allows, and often."""
    from django.core.cache import cache

    settings.IDEAS_MIN_FILL_SECONDS = 0
    settings.STAFF_2FA_REQUIRED = False  # the login helper logs in with a password only
    settings.IDEAS_SUBMIT_RATE = "1000/h"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def locale() -> str:
    """The browser's language; override with `@pytest.mark.parametrize("locale", [...])`."""
    return "sv-SE"


def _open(browser, live_server, request, locale: str, **context_options):
    """Open a browser context for the test, closed at its end."""
    context = browser.new_context(locale=locale, base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    request.addfinalizer(context.close)
    return context


@pytest.fixture
def page(browser, live_server, request, locale, django_db_serialized_rollback):
    """A fresh page (own cookies) per test; the reference data of the migrations is in place."""
    return _open(browser, live_server, request, locale).new_page()


def _portal(page, live_server, inspector=None) -> Iterator[Portal]:
    portal = Portal(page, live_server.url, inspector)
    yield portal
    # The last page a test reached is checked too, if the test did not do it itself.
    if portal.unchecked:
        portal.check()


@pytest.fixture
def portal(page, live_server):
    """The test's way to the pages: every page it lands on is checked with axe-core."""
    yield from _portal(page, live_server)


@pytest.fixture
def portal_without_js(browser, live_server, request, locale, django_db_serialized_rollback):
    """Like `portal`, with JavaScript turned off in the browser."""
    page = _open(browser, live_server, request, locale, java_script_enabled=False).new_page()
    inspector = _open(browser, live_server, request, locale).new_page()
    yield from _portal(page, live_server, inspector)
