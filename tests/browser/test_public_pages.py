"""The pages residents look for, in a real browser: axe-core on each, in Swedish and Arabic,
at phone width with nothing to scroll sideways, the partnership's colour on its buttons and a
focus you can see on both kinds of button."""

import pytest
from django.urls import reverse

PAGES = ["home", "how_it_works", "contact", "about"]


@pytest.mark.parametrize("locale", ["sv-SE", "ar"])
def test_the_pages_residents_look_for_pass_axe_in_swedish_and_arabic(portal, locale):
    for name in PAGES:
        page = portal.visit(reverse(name))
        assert page.locator("html").get_attribute("lang") == locale[:2]
        current = page.locator("header [aria-current=true]")
        assert current.count() == 1 and current.get_attribute("lang") == locale[:2]


@pytest.mark.parametrize("locale", ["sv-SE", "ar"])
@pytest.mark.parametrize("name", PAGES)
def test_the_pages_fit_a_320_pixel_screen_without_sideways_scrolling(portal, name):
    """WCAG 1.4.10 Reflow, right to left too."""
    portal.page.set_viewport_size({"width": 320, "height": 640})
    page = portal.visit(reverse(name))
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow}px wider than a 320px screen"


def test_both_kinds_of_button_wear_the_partnerships_colour_and_show_focus(portal):
    page = portal.visit(reverse("how_it_works"))
    primary = page.locator("main .btn-primary").first
    secondary = page.locator("main .btn-outline-secondary").first

    style = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderColor]"
    assert primary.evaluate(style) == ["rgb(27, 79, 138)", "rgb(27, 79, 138)"]
    background, border = secondary.evaluate(style)
    assert background == "rgb(255, 255, 255)" and border == "rgb(27, 79, 138)"
    assert secondary.evaluate("el => getComputedStyle(el).color") == "rgb(27, 79, 138)"
    portal.tab_to("main .btn-outline-secondary")  # fails on any stop without a visible focus
