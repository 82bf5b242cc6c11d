"""Submitting an idea by keyboard only, with mistakes, and with JavaScript turned off."""

from ideas.models import Idea, Municipality, Theme
from tests.browser.pages import IDEA, SEND_IDEA, fill_idea_form, reference_on_page

ERROR_FIELDS_JS = """() => Array.from(document.querySelectorAll('[aria-invalid=true]')).map(el => {
  const owner = el.closest('fieldset[aria-describedby]');
  const ids = [el.getAttribute('aria-describedby'), owner && owner.getAttribute('aria-describedby')]
    .filter(Boolean).join(' ').split(/\\s+/).filter(Boolean);
  const texts = ids.map(id => document.getElementById(id)).filter(Boolean)
    .filter(node => node.matches('.invalid-feedback, [id$=_error], [id$=-error]'))
    .filter(node => node.offsetParent !== null)  // shown on screen, not only to screen readers
    .map(node => node.textContent.trim()).filter(Boolean);
  return {id: el.id, name: el.name, errors: texts};
})"""


def test_a_resident_submits_an_idea_with_the_keyboard_only(portal):
    municipality = Municipality.objects.get(code="1884")  # Nora
    theme = Theme.objects.get(slug="local-development")
    keyboard = portal.page.keyboard
    portal.visit("/")

    portal.tab_to("a.skip-link")
    keyboard.press("Enter")  # the skip link jumps over the menu
    assert portal.focused("#main")
    portal.tab_to("main a[href='/idea/new/']", limit=3)
    with portal.navigation():
        keyboard.press("Enter")

    for name in ("title", "need", "description", "submitter_email"):
        if portal.page.locator(f"main form [name={name}]").count():
            portal.tab_to(f"main form [name={name}]")
            keyboard.type(IDEA[name])
        if name == "description":
            portal.tab_to("main form select[name=municipality]")
            keyboard.type(municipality.name)
            portal.tab_to(f"main form input[name=themes][value='{theme.pk}']")
            keyboard.press("Space")
            if portal.page.locator("main form input[name=stage]").count():
                portal.tab_to("main form input[name=stage]")  # the first radio of the group
                keyboard.press("Space")
    if portal.page.locator("main form input[name=organisation_kind]").count():
        portal.tab_to("main form input[name=organisation_kind]")
        keyboard.press("Space")
    if portal.page.locator("main form input[name=language]").count():
        portal.tab_to("main form input[name=language]")
        keyboard.press("Space")
    portal.tab_to("main form input[name=consent]")
    keyboard.press("Space")
    portal.tab_to(SEND_IDEA)
    with portal.navigation():
        keyboard.press("Enter")

    idea = Idea.objects.get(reference=reference_on_page(portal.page))
    assert idea.title == IDEA["title"]
    assert idea.municipality == municipality
    assert list(idea.themes.all()) == [theme]


def test_missing_fields_are_announced_tied_to_their_fields_and_nothing_typed_is_lost(portal):
    page = portal.page
    portal.visit("/idea/new/")
    clean_title = page.title()
    page.locator("main form [name=title]").fill(IDEA["title"])
    page.locator("main form [name=description]").fill(IDEA["description"])
    page.locator("main form [name=submitter_email]").fill("anna@example")  # not an address
    portal.submit(SEND_IDEA)

    assert Idea.objects.count() == 0
    # The summary takes the focus, so a screen reader reads it first, even without JavaScript.
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert portal.focused("#error-summary")
    # The browser tab says there is an error before it names the page.
    assert page.title() != clean_title
    assert page.title().endswith(clean_title)

    invalid = page.evaluate(ERROR_FIELDS_JS)
    invalid_names = {field["name"] for field in invalid}
    assert {"municipality", "themes", "consent", "submitter_email"} <= invalid_names
    assert "title" not in invalid_names
    for field in invalid:
        assert field["errors"], f"{field['id']} has aria-invalid but no error it describes"
    # Every link in the summary leads to a field that is marked invalid.
    targets = summary.locator("a").evaluate_all("links => links.map(a => a.hash.slice(1))")
    assert targets
    invalid_ids = {field["id"] for field in invalid}
    assert set(targets) <= invalid_ids

    # Following a link of the summary with the keyboard puts the focus on the field.
    portal.tab_to(f"#error-summary a[href='#{targets[0]}']")
    page.keyboard.press("Enter")
    assert portal.focused(f"#{targets[0]}")

    assert page.locator("main form [name=title]").input_value() == IDEA["title"]
    assert page.locator("main form [name=description]").input_value() == IDEA["description"]
    assert page.locator("main form [name=submitter_email]").input_value() == "anna@example"

    # The resident corrects the mistakes and the idea goes through.
    fill_idea_form(page)
    portal.submit(SEND_IDEA)
    assert Idea.objects.get(reference=reference_on_page(page)).title == IDEA["title"]


def test_a_resident_submits_an_idea_with_javascript_turned_off(portal_without_js):
    portal = portal_without_js
    portal.visit("/")
    portal.follow("main a[href='/idea/new/']")
    fill_idea_form(portal.page)
    portal.submit(SEND_IDEA)
    reference = reference_on_page(portal.page)
    assert Idea.objects.filter(reference=reference).exists()
