"""The owner's ledger and "my data" in a browser: axe-core on the tracking page with six
partners, the readable data page and its print view; the print button prints with JavaScript
and, without it, is a link to the print view."""

import pytest
from django.urls import reverse

from tests.ideas.ledger_story import REASON_FOR_OWNER, tell_story


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_the_owner_reads_the_ledger_and_prints_their_data(portal, coordinator, language):
    story = tell_story(coordinator, language)
    page = portal.visit(story.url("track"))
    assert page.locator("#ledger .ledger-partner").count() == 6
    assert REASON_FOR_OWNER in page.locator("#ledger").inner_text()

    portal.follow(f"main a[href='{story.url('my_data_page')}']")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#my-data-actions").is_visible()
    # With JavaScript the button prints at once and the page stays where it is.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.locator("a[data-print]").click()
    assert page.evaluate("window.printed") is True
    assert "print=1" not in page.url
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("#my-data-actions").is_visible()
    assert page.locator("#ledger").is_visible()
    page.emulate_media(media="screen")


def test_without_javascript_the_print_button_opens_the_print_view(portal_without_js, coordinator):
    portal = portal_without_js
    story = tell_story(coordinator, partners=1)
    page = portal.visit(story.url("my_data_page"))
    portal.follow("a[data-print]")
    assert page.url.endswith("?print=1")
    # The print view shows only the data, on screen too, with a way back.
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("#my-data-actions").is_visible()
    assert page.locator("#my-idea").is_visible()
    back = page.locator("#leave-print-view a")
    assert back.is_visible()
    assert back.get_attribute("href") == reverse(
        "ideas:my_data_page", kwargs={"token": story.token}
    )
    page.emulate_media(media="print")
    assert not back.is_visible()
