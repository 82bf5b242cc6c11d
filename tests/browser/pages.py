"""What a person does on the portal's pages, found by field name and id, never by visible text."""

import re

from ideas.models import Municipality, Theme

REFERENCE = re.compile(r"IL-\d{4}-\d{4}")
SEND_IDEA = "main form button[type=submit]:not([name])"

IDEA = {
    "title": "Mötesplats i gamla skolan",
    "need": "Byn saknar en plats att träffas på sedan affären stängde.",
    "description": "Vi vill göra om skolan till ett allaktivitetshus för hela byn.",
    "submitter_email": "anna@example.org",
}


def fill_if_present(page, selector: str, value: str) -> None:
    field = page.locator(selector)
    if field.count():
        field.fill(value)


def check_if_present(page, selector: str) -> None:
    field = page.locator(selector)
    if field.count():
        field.first.check()


def fill_idea_form(
    page, *, municipality_code: str = "1863", theme_slug: str = "local-development", **overrides
) -> dict:
    """Fill the submission form the way a resident does; return what was typed."""
    data = {**IDEA, **overrides}
    for name, value in data.items():
        fill_if_present(page, f"main form [name={name}]", value)
    municipality = Municipality.objects.get(code=municipality_code)
    page.locator("main form select[name=municipality]").select_option(str(municipality.pk))
    theme = Theme.objects.get(slug=theme_slug)
    page.locator(f"main form input[name=themes][value='{theme.pk}']").check()
    check_if_present(page, "main form input[name=stage][value=idea]")
    check_if_present(page, "main form input[name=organisation_kind][value=association]")
    check_if_present(page, "main form input[name=language][value=sv]")
    page.locator("main form input[name=consent]").check()
    return data


def reference_on_page(page) -> str:
    """The reference number the confirmation page shows."""
    match = REFERENCE.search(page.locator("#reference").inner_text())
    assert match, "no reference number on the confirmation page"
    return match.group(0)
