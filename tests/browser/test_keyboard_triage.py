"""The committee triages with the keyboard only: log in, open an idea, move it, refer it."""

from django.core import mail

from ideas import workflow
from ideas.models import Idea
from tests.browser.conftest import PASSWORD
from tests.factories import IdeaFactory, PartnerFactory


def test_the_coordinator_triages_and_refers_an_idea_with_the_keyboard_only(portal, coordinator):
    partner = PartnerFactory(name="Studieförbundet i Bergslagen")
    contact = partner.contacts.get()
    idea = IdeaFactory(title="Språkcafé i Laxå")
    keyboard = portal.page.keyboard

    portal.visit("/")
    portal.tab_to("header a[href='/accounts/login/']")
    with portal.navigation():
        keyboard.press("Enter")
    portal.tab_to("#id_username")
    keyboard.type(coordinator.get_username())
    portal.tab_to("#id_password")
    keyboard.type(PASSWORD)
    with portal.navigation():
        keyboard.press("Enter")  # Enter in a field sends its form

    if not portal.page.url.endswith("/triage/"):
        portal.visit("/triage/")
    portal.tab_to(f"main a[href$='/ideas/{idea.reference}/']")
    with portal.navigation():
        keyboard.press("Enter")

    # The first target the table offers is one arrow key below "Choose the new status".
    for state in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        portal.tab_to("main form[action$='/move/'] select[name=to]")
        keyboard.press("ArrowDown")
        portal.tab_to("main form[action$='/move/'] button[type=submit]")
        with portal.navigation():
            keyboard.press("Space")
        assert Idea.objects.get(pk=idea.pk).status == state
        # Back on the page, the keyboard goes on from the move control, not from the top.
        assert portal.page.evaluate("document.activeElement.id") == "move-heading"

    portal.tab_to(f"main form[action$='/refer/'] input[name=partners][value='{partner.pk}']")
    keyboard.press("Space")
    portal.tab_to("main form[action$='/refer/'] textarea[name=note_to_partners]")
    keyboard.type("Kan ni ordna samtalsledare?")
    portal.tab_to("main form[action$='/refer/'] button[type=submit]")
    with portal.navigation():
        keyboard.press("Enter")

    assert Idea.objects.get(pk=idea.pk).status == workflow.Status.REFERRED
    assert [m.to for m in mail.outbox if contact.email in m.to] == [[contact.email]]
