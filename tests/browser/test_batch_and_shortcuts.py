"""The dashboard's batch decline with a template and the keyboard shortcuts of the dashboard and
the idea page, in a real browser with axe-core on every page (issue 21)."""

from ideas import workflow
from portal.outbox.models import Message
from tests.factories import IdeaFactory, municipality
from tests.triage.test_batch_actions import decline_template

S = workflow.Status


def test_the_coordinator_declines_two_ideas_with_a_template_each_owner_in_their_language(
    portal, coordinator
):
    template = decline_template()
    swedish = IdeaFactory(
        in_review=True,
        language="sv",
        title="Bybuss till Grythyttan",
        municipality=municipality("1863"),
        submitter_email="britt@example.org",
    )
    english = IdeaFactory(
        in_review=True,
        language="en",
        title="Repair café in Nora",
        municipality=municipality("1884"),
        submitter_email="grace@example.org",
    )
    page = portal.page
    portal.login(coordinator)
    portal.visit("/triage/")
    for idea in (swedish, english):
        page.locator(f"#select-{idea.reference}").check()
    page.locator("#id_action").select_option("decline")
    portal.submit("main fieldset button[type=submit]")

    page.locator("#decline_template").select_option(str(template.pk))
    portal.submit("button[name=use_template]")
    assert page.locator("#decline_text_en").input_value() == template.text_en
    assert "in Nora." in page.locator("blockquote[lang=en]").inner_text()
    assert "Hällefors" in page.locator("blockquote[lang=sv]").inner_text()

    # An edit of the English message, seen in the preview before anything is sent.
    page.locator("#decline_text_en").fill(template.text_en + " Good luck!")
    portal.submit("button[name=preview]")
    assert "Good luck!" in page.locator("blockquote[lang=en]").inner_text()
    assert "Good luck!" not in page.locator("blockquote[lang=sv]").inner_text()
    assert not Message.objects.filter(recipient__in=["britt@example.org", "grace@example.org"])

    portal.submit("button[name=confirm]")
    assert "/triage/" in page.url
    assert english.reference in page.locator("main [role=status]").inner_text()
    for idea in (swedish, english):
        idea.refresh_from_db()
        assert idea.status == S.DECLINED
    [to_grace] = Message.objects.filter(recipient="grace@example.org")
    [to_britt] = Message.objects.filter(recipient="britt@example.org")
    assert to_grace.language == "en" and "“Repair café in Nora”" in to_grace.body_text
    assert "Good luck!" in to_grace.body_text and "Bybuss" not in to_grace.body_text
    assert to_britt.language == "sv" and "”Bybuss till Grythyttan”" in to_britt.body_text
    assert "Good luck!" not in to_britt.body_text and "Repair" not in to_britt.body_text


def _focused_row(portal) -> int:
    """The list row (1, 2, …) the focus is in, 0 outside the list."""
    return portal.page.evaluate(
        """() => {
          const row = document.activeElement.closest('[data-shortcut-list] tbody tr');
          return row ? [...row.parentNode.children].indexOf(row) + 1 : 0;
        }"""
    )


def test_the_keyboard_shortcuts_move_around_the_dashboard_and_the_idea_page(portal, coordinator):
    ideas = [IdeaFactory(in_review=True, title=f"Kortkommando {n}") for n in range(3)]
    page = portal.page
    keyboard = page.keyboard
    portal.login(coordinator)
    portal.visit("/triage/")
    page.locator("summary", has_text="Kortkommandon").click()
    portal.check()  # the help, opened, passes axe too
    assert page.locator("#shortcuts-on").is_checked()

    keyboard.press("Alt+Shift+L")
    assert _focused_row(portal) == 1 and portal.focused("a")
    keyboard.press("j")
    keyboard.press("j")
    assert _focused_row(portal) == 3
    keyboard.press("j")  # the last row: the focus stays
    assert _focused_row(portal) == 3
    keyboard.press("k")
    assert _focused_row(portal) == 2
    keyboard.press("x")
    ticked = page.locator("[data-shortcut-list] tbody tr:nth-child(2) input[type=checkbox]")
    assert ticked.is_checked()
    assert "Vald:" in page.locator("[data-shortcut-status]").inner_text()
    keyboard.press("x")
    assert not ticked.is_checked()

    keyboard.press("Alt+Shift+A")
    assert portal.focused("#id_action")
    keyboard.press("j")  # outside the list a single key does nothing of ours
    assert portal.focused("#id_action") and _focused_row(portal) == 0
    keyboard.press("Alt+Shift+F")
    assert portal.focused("#id_q")
    keyboard.type("jkx")  # typed into the search as it is
    assert page.locator("#id_q").input_value() == "jkx"
    page.locator("#id_q").fill("")

    # Turned off, and still off on the next visit: the keys are the browser's again.
    page.locator("#shortcuts-on").uncheck()
    portal.visit("/triage/")
    assert not page.locator("#shortcuts-on").is_checked()
    page.locator("[data-shortcut-list] tbody tr:nth-child(1) a").focus()
    keyboard.press("j")
    keyboard.press("Alt+Shift+A")
    assert _focused_row(portal) == 1
    page.locator("summary", has_text="Kortkommandon").click()
    page.locator("#shortcuts-on").check()

    portal.visit(f"/triage/ideas/{ideas[0].reference}/")
    keyboard.press("Alt+Shift+M")
    assert page.evaluate("document.activeElement.id") == "move-heading"
    keyboard.press("Alt+Shift+R")
    assert page.evaluate("document.activeElement.id") == "refer-heading"
    keyboard.press("Alt+Shift+N")
    assert page.evaluate("document.activeElement.id") == "notes-heading"
    with portal.navigation():
        keyboard.press("Alt+Shift+L")
    assert page.url.endswith("/triage/")
