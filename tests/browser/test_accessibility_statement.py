"""The accessibility statement in a browser: its report form's mistakes take the focus, and the
page fits a narrow phone. Every page is checked with axe-core by the `portal` fixture."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("locale", ["sv-SE", "ar"])
def test_a_report_with_a_mistake_puts_the_focus_on_the_error_summary(portal, locale):
    page = portal.visit(reverse("accessibility_statement"))
    page.locator("#id_page").fill("Formuläret")
    portal.submit("main form button[type=submit]:not([name])")
    assert portal.focused("#error-summary")
    assert page.title().startswith(("Fel:", "خطأ:"))
    # What the visitor wrote is still there.
    assert page.locator("#id_page").input_value() == "Formuläret"


@pytest.mark.parametrize("locale", ["sv-SE", "ar"])
def test_the_statement_fits_a_narrow_phone_without_sideways_scrolling(portal, locale):
    """WCAG 1.4.10 Reflow, which the statement does not list as a problem of its own."""
    portal.page.set_viewport_size({"width": 320, "height": 640})
    page = portal.visit(reverse("accessibility_statement"))
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px wider than a 320px screen"
