"""The warning before a staff session ends, in a real browser (WCAG 2.2.1), and the text typed
before the end, filled in again after logging in again. Short sessions by settings override."""

import time

import pytest

from tests.browser.conftest import PASSWORD
from tests.factories import IdeaFactory
from triage.review.models import Note

NOTE = "Ring kommunen om lokalen i Fjugesta"


@pytest.fixture
def idea_page(db):
    idea = IdeaFactory(title="Språkcafé i Laxå")
    return f"/triage/ideas/{idea.reference}/"


def test_the_warning_comes_before_the_end_and_the_keyboard_stays_logged_in(
    portal, committee_member, idea_page, settings
):
    settings.STAFF_SESSION_IDLE_SECONDS = 20
    settings.STAFF_SESSION_WARNING_SECONDS = 14
    page = portal.page
    portal.login(committee_member)
    portal.visit(idea_page)
    loaded = time.monotonic()
    note = page.locator("main form[action$='/notes/'] textarea[name=body]").last
    note.focus()
    dialog = page.locator("#session-timeout")
    dialog.wait_for(state="visible")
    assert page.locator("#session-timeout-title").inner_text() == "Du loggas snart ut"
    assert portal.focused("#session-timeout [data-session-extend]")
    portal.check()  # the page with the warning open meets WCAG 2.1 AA too
    with page.expect_response(lambda r: r.url.endswith("/session/extend/")) as extended:
        page.keyboard.press("Enter")
    assert extended.value.status == 204
    dialog.wait_for(state="hidden")
    # Back where the member was, and still logged in after the old end.
    assert portal.focused("main form[action$='/notes/'] textarea[name=body]")
    time.sleep(max(0.0, 21 - (time.monotonic() - loaded)))
    portal.visit(idea_page)
    assert "/accounts/login/" not in page.url


def test_text_typed_before_the_session_ended_is_there_after_logging_in_again(
    portal, committee_member, idea_page, settings
):
    settings.STAFF_SESSION_IDLE_SECONDS = 8
    settings.STAFF_SESSION_WARNING_SECONDS = 2
    page = portal.page
    portal.login(committee_member)
    portal.visit(idea_page)
    note = page.locator("main form[action$='/notes/'] textarea[name=body]").last
    note.fill("")
    note.press_sequentially(NOTE)
    # The member is away: the warning came and the session ended.
    page.locator("#session-timeout [data-session-ended]").wait_for(state="visible", timeout=15_000)
    time.sleep(1)
    page.keyboard.press("Escape")
    page.locator("#session-timeout").wait_for(state="hidden")
    portal.submit("main form[action$='/notes/'] button[type=submit] >> nth=-1")
    assert "/accounts/login/" in page.url
    assert not Note.objects.filter(body=NOTE).exists()

    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 60
    page.locator("#id_username").fill(committee_member.get_username())
    page.locator("#id_password").fill(PASSWORD)
    portal.submit("main form button[type=submit]")
    assert page.url.endswith(idea_page)
    note = page.locator("main form[action$='/notes/'] textarea[name=body]").last
    assert note.input_value() == NOTE
    kept = page.locator("main [role=status].alert-warning")
    assert "inte sparad" in kept.inner_text()
    portal.check()

    portal.submit("main form[action$='/notes/'] button[type=submit] >> nth=-1")
    assert Note.objects.filter(body=NOTE).count() == 1
    # Saved: the kept text is gone, and a later visit starts empty.
    portal.visit(idea_page)
    assert page.locator("main form[action$='/notes/'] textarea[name=body]").last.input_value() == ""


def test_logging_out_forgets_what_was_typed(portal, committee_member, idea_page):
    page = portal.page
    portal.login(committee_member)
    portal.visit(idea_page)
    page.locator("main form[action$='/notes/'] textarea[name=body]").last.press_sequentially(NOTE)
    portal.logout()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.includes('draft'))") == []
    portal.login(committee_member)
    portal.visit(idea_page)
    assert page.locator("main form[action$='/notes/'] textarea[name=body]").last.input_value() == ""


def test_without_javascript_the_warning_stays_out_of_the_way(
    portal_without_js, committee_member, idea_page
):
    page = portal_without_js.page
    portal_without_js.login(committee_member)
    portal_without_js.visit(idea_page)
    assert page.locator("#session-timeout").count() == 1
    assert not page.locator("#session-timeout").is_visible()
    assert page.locator("main form[action$='/notes/'] textarea[name=body]").last.is_visible()
