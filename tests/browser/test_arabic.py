"""A resident's way through the portal in Arabic: right to left, mirrored, and accessible.

Every page the tests land on is checked with axe-core by the `portal` fixture.
"""

from django.urls import reverse

from ideas import services
from ideas.models import Idea, Municipality, Theme
from tests.browser.pages import SEND_IDEA, fill_idea_form, reference_on_page

SWITCH_TO_ARABIC = "header button[name=language][value=ar]"
BRAND = "header .site-brand"


def direction(page) -> tuple[str, str]:
    html = page.locator("html")
    return html.get_attribute("lang"), html.get_attribute("dir")


def centre(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["x"] + box["width"] / 2


def half_of_the_page(page) -> float:
    return page.viewport_size["width"] / 2


def skip_link_centre(page) -> float:
    """Where the skip link shows up when it gets the focus (the first Tab on a page)."""
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link')")
    return centre(page, "a.skip-link")


def test_a_resident_switches_to_arabic_and_submits_an_idea(portal):
    page = portal.page
    portal.visit("/")
    assert direction(page) == ("sv", "ltr")
    brand_in_swedish = centre(page, BRAND)
    skip_link_in_swedish = skip_link_centre(page)

    portal.submit(SWITCH_TO_ARABIC)

    assert direction(page) == ("ar", "rtl")
    # What is on the left in Swedish is on the right in Arabic.
    middle = half_of_the_page(page)
    assert brand_in_swedish < middle < centre(page, BRAND)
    assert skip_link_in_swedish < middle < skip_link_centre(page)

    portal.follow("main a[href='/idea/new/']")
    assert direction(page) == ("ar", "rtl")  # the choice is remembered
    # A tick box stands to the right of its label, the fields line up on the right.
    consent_box = centre(page, "main form input[name=consent]")
    assert consent_box > centre(page, "main form label[for=id_consent]")
    title = page.locator("main form [name=title]").bounding_box()
    title_label = page.locator("main form label[for=id_title]").bounding_box()
    assert abs((title["x"] + title["width"]) - (title_label["x"] + title_label["width"])) < 2

    fill_idea_form(page, submitter_phone="+46 70 123 45 67")
    page.locator("main form input[name=language][value=ar]").check()
    # Phone numbers and email addresses are typed and shown left to right.
    for name in ("submitter_phone", "submitter_email"):
        field = page.locator(f"main form [name={name}]")
        assert field.evaluate("el => getComputedStyle(el).direction") == "ltr", name
    portal.submit(SEND_IDEA)

    assert direction(page) == ("ar", "rtl")
    reference = reference_on_page(page)
    idea = Idea.objects.get(reference=reference)
    assert idea.language == "ar"
    # The reference reads left to right, on the right-hand side of the page.
    shown = page.locator("#reference [dir=ltr]")
    assert shown.inner_text() == reference
    assert shown.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert centre(page, "#reference [dir=ltr]") > half_of_the_page(page)


def test_the_error_summary_in_arabic_lists_the_mistakes_right_to_left(portal):
    page = portal.page
    portal.visit("/")
    portal.submit(SWITCH_TO_ARABIC)
    portal.visit("/idea/new/")
    page.locator("main form [name=title]").fill("مكان للقاء في المدرسة القديمة")
    portal.submit(SEND_IDEA)

    summary = page.locator("#error-summary")
    assert summary.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert portal.focused("#error-summary")
    heading = page.locator("#error-summary-title")
    heading_box, summary_box = heading.bounding_box(), summary.bounding_box()
    # The heading starts at the right edge of the summary.
    assert (summary_box["x"] + summary_box["width"]) - (
        heading_box["x"] + heading_box["width"]
    ) < 40
    assert "اختر موضوعا واحدا على الأقل." in summary.inner_text()  # "Choose at least one theme."
    # The links follow the order of the fields, and what was typed is kept.
    targets = summary.locator("a").evaluate_all("links => links.map(a => a.hash.slice(1))")
    order = page.locator("main form [id^=id_]").evaluate_all("els => els.map(el => el.id)")
    assert targets == sorted(targets, key=order.index)
    assert page.locator("main form [name=title]").input_value() == "مكان للقاء في المدرسة القديمة"


def test_the_tracking_page_in_arabic_is_right_to_left(portal):
    submitted = services.idea_submit(
        title="مكان للقاء في المدرسة القديمة",
        description="بيت للأنشطة لكل أهل القرية.",
        municipality=Municipality.objects.get(code="1863"),
        themes=[Theme.objects.get(slug="integration")],
        submitter_email="a@example.org",
        language="ar",
    )
    page = portal.page
    portal.visit("/")
    portal.submit(SWITCH_TO_ARABIC)
    portal.visit(reverse("ideas:track", args=[submitted.tracking_token]))

    assert direction(page) == ("ar", "rtl")
    assert page.locator("#public-status").inner_text() == "وصلتنا فكرتك"
    reference = page.locator(".reference[dir=ltr]")
    assert reference.inner_text() == submitted.idea.reference
    assert centre(page, "h1") > half_of_the_page(page)
