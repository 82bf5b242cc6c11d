"""The county's needs in a real browser with JavaScript off: axe-core on the map, its table and
the date form with an error, in Swedish and Arabic, at 320 px with nothing to scroll sideways;
the tiles keep the county's shape (west on the left) on a right-to-left page."""

import pytest
from django.urls import reverse

from tests.browser.test_pages import BOUNDARY_CONTRAST_JS, SMALL_TARGETS_JS
from tests.factories import IdeaFactory, municipality

# Tile names whose lines end inside a part of the name (not at a soft hyphen).
SPLIT_NAMES_JS = """() => [...document.querySelectorAll('.needs-tile-name')].filter(name => {
  const range = document.createRange();
  range.selectNodeContents(name);
  const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
  return lines.size > 2 || (lines.size === 2 && !name.textContent.includes('\\u00ad'));
}).map(name => name.textContent)"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def county_with_ideas() -> None:
    for code, count in (("1880", 6), ("1864", 3), ("1883", 4), ("1860", 1), ("1885", 2)):
        for _ in range(count):
            IdeaFactory(municipality=municipality(code), public_listing=code == "1864")


@pytest.mark.parametrize("locale", ["sv-SE", "ar"])
def test_the_needs_page_passes_axe_and_fits_320_pixels_without_javascript(
    portal_without_js, locale
):
    portal = portal_without_js
    county_with_ideas()
    portal.page.set_viewport_size({"width": 320, "height": 640})

    page = portal.visit(reverse("needs"))

    assert page.locator("html").get_attribute("lang") == locale[:2]
    assert page.locator(".needs-tile").count() == 12
    assert page.evaluate(OVERFLOW_JS) <= 0, "the page scrolls sideways at 320 px"
    # Every tile lies inside the map: no name spills out of its square.
    spill = page.evaluate(
        """() => [...document.querySelectorAll('.needs-tile')].filter(
             tile => tile.scrollWidth > tile.clientWidth + 1).map(tile => tile.textContent)"""
    )
    assert spill == []
    # West on the left, in Arabic too: Karlskoga (column 1) left of Örebro (column 3).
    karlskoga = page.locator(".needs-tile", has_text="Karls\u00adkoga").bounding_box()
    orebro = page.locator(".needs-tile", has_text="Örebro").first.bounding_box()
    # A long name breaks where its parts meet, if at all: no word cut elsewhere.
    assert page.evaluate(SPLIT_NAMES_JS) == []
    assert karlskoga and orebro and karlskoga["x"] < orebro["x"]

    page.fill("#id_start", "igår")
    portal.submit("main form.needs-dates button[type=submit]")
    assert page.locator("#id_start").input_value() == "igår"
    assert page.locator("#id_start").get_attribute("aria-invalid") == "true"
    assert page.evaluate(OVERFLOW_JS) <= 0
    assert page.evaluate(SMALL_TARGETS_JS) == []


def test_the_needs_page_is_wide_on_a_desktop_with_the_table_beside_the_map(portal):
    county_with_ideas()
    portal.page.set_viewport_size({"width": 1280, "height": 900})

    page = portal.visit(reverse("needs"))

    tile_map = page.locator(".needs-map").bounding_box()
    table = page.locator("#municipality-table").bounding_box()
    assert tile_map and table and table["x"] > tile_map["x"] + tile_map["width"] - 1
    # WCAG 2.5.8 and 1.4.11, which axe-core does not check: targets of 24 px, field edges 3:1.
    assert page.evaluate(SMALL_TARGETS_JS) == []
    assert page.evaluate(BOUNDARY_CONTRAST_JS) == []


def test_the_needs_page_sends_no_javascript(portal):
    fetched = []
    portal.page.on("requestfinished", lambda request: fetched.append(request))
    portal.visit(reverse("needs"))
    portal.page.wait_for_load_state("networkidle")

    assert [r.url for r in fetched if r.resource_type == "script"] == []
