"""Every kind of mail, opened in Chromium as a phone's mail app shows it: 375 px wide, no sideways
scrolling, the one button visible and a comfortable target (44 px high at least), no WCAG 2.1
A/AA violation (axe-core: contrast, language, title); on a wide screen the mail stays 600 px.

The mails are made the way the portal makes them (tests/outbox/every_mail.py)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import AXE_OPTIONS, format_violations
from tests.outbox.every_mail import NO_ACTION, every_mail, journey_for_mails

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET_HEIGHT = 44
MAX_MAIL_WIDTH = 600

LAYOUT_JS = """() => ({
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  mail: document.querySelector('table.mail').getBoundingClientRect().width,
})"""


@pytest.fixture
def mails(
    transactional_db,
    django_db_serialized_rollback,
    settings,
    coordinator,
    outreach_staff,
    committee_member,
    django_capture_on_commit_callbacks,
    monkeypatch,
    request,
):
    journey = journey_for_mails(
        settings,
        django_capture_on_commit_callbacks,
        coordinator=coordinator,
        outreach_staff=outreach_staff,
        committee_member=committee_member,
    )
    return every_mail(journey, monkeypatch, language=request.param).mails


@pytest.mark.parametrize("mails", ["sv", "ar"], indirect=True)
def test_every_mail_fits_a_phone_with_its_button_easy_to_press(browser, mails, request):
    context = browser.new_context(viewport=PHONE)
    request.addfinalizer(context.close)
    # A mail's images point at the portal, which is not running here: nothing is fetched.
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    for template, mail in mails.items():
        where = f"{template} ({mail.language})"
        page.set_viewport_size(PHONE)
        page.set_content(mail.html)
        layout = page.evaluate(LAYOUT_JS)
        assert layout["overflow"] <= 0, f"{where} scrolls sideways by {layout['overflow']} px"
        button = page.locator("a.mail-button")
        assert button.count() == (0 if template in NO_ACTION else 1), where
        if button.count():
            assert button.is_visible(), where
            box = button.bounding_box()
            assert box["height"] >= MIN_TARGET_HEIGHT, f"{where}: button {box['height']} px high"
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], where
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        assert not violations, format_violations(where, violations)
        page.set_viewport_size(DESKTOP)
        width = page.evaluate(LAYOUT_JS)["mail"]
        assert width <= MAX_MAIL_WIDTH, f"{where} is {width} px wide on a desktop"
