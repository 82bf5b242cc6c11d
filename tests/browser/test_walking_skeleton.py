"""The whole path in a real browser: a resident's idea reaches a partner's inbox."""

from django.core import mail

from ideas import workflow
from ideas.models import Idea
from portal.outbox.models import Message, MessageKind, MessageState
from tests.browser.pages import SEND_IDEA, fill_idea_form, reference_on_page
from tests.factories import PartnerFactory


def test_an_idea_from_a_resident_is_referred_to_a_partner_in_a_real_browser(
    portal, committee_member, coordinator
):
    partner = PartnerFactory(name="Bygdens utvecklingsråd")
    contact = partner.contacts.get()

    # The resident: from the front page to the reference number.
    portal.visit("/")
    portal.follow("main a[href='/idea/new/']")
    typed = fill_idea_form(portal.page)
    portal.submit(SEND_IDEA)
    reference = reference_on_page(portal.page)
    idea = Idea.objects.get(reference=reference)
    assert idea.title == typed["title"]
    assert idea.status == workflow.Status.RECEIVED

    # A committee member sees it in the list.
    portal.login(committee_member)
    portal.visit("/triage/")
    assert portal.page.locator(f"main table a[href$='/ideas/{reference}/']").count() == 1
    portal.logout()

    # The coordinator moves it to screening, then in review, then refers it.
    portal.login(coordinator)
    portal.visit("/triage/")
    portal.follow(f"main table a[href$='/ideas/{reference}/']")
    for state in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        portal.page.select_option("main form[action$='/move/'] select[name=to]", str(state))
        portal.submit("main form[action$='/move/'] button[type=submit]")
        idea.refresh_from_db()
        assert idea.status == state
    refer = portal.page.locator("main form[action$='/refer/']")
    refer.locator(f"input[name=partners][value='{partner.pk}']").check()
    refer.locator("textarea[name=note_to_partners]").fill("Kan ni hjälpa byalaget med lokalfrågan?")
    portal.submit(refer.locator("button[type=submit]"))

    idea.refresh_from_db()
    assert idea.status == workflow.Status.REFERRED
    referral_mail = Message.objects.get(kind=MessageKind.REFERRAL, recipient=contact.email)
    assert referral_mail.state == MessageState.SENT
    assert reference in referral_mail.subject + referral_mail.body_text
    sent = [m for m in mail.outbox if contact.email in m.to]
    assert len(sent) == 1
    assert "Kan ni hjälpa byalaget med lokalfrågan?" in sent[0].body
