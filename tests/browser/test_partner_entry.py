"""A partner contact logs in, updates its organisation's entry (one error on the way, nothing
typed lost), and confirms it in one click on its start page; every page passes axe-core."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from partners.models import Partner, PartnerEntryChange, current_term
from portal.roles import Role
from tests.factories import PartnerFactory, UserFactory, municipality


def test_a_partner_contact_logs_in_updates_the_entry_and_confirms_it(portal):
    partner = PartnerFactory(name="Byalaget Ramsberg", description="Vi driver bygdegården.")
    partner.municipalities.set([municipality("1885")])
    Partner.objects.filter(pk=partner.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    user = UserFactory(username="byalaget", roles=[Role.PARTNER_CONTACT])
    contact = partner.contacts.get()
    # The account holds partner access at the contact's own address (partners/invitations.py).
    contact.user, contact.email = user, user.email
    contact.save()

    portal.login(user)
    portal.visit(reverse("partner_portal:referral_list"))
    start = portal.page.locator("main")
    assert "Inte bekräftade sedan" in start.inner_text()
    portal.follow("main a[href$='/partner/entry/']")
    page = portal.page
    page.get_by_label("Vad er organisation erbjuder").fill("Vi driver bygdegården och fibern.")
    page.locator("#id_available_places").fill("2")
    # No area at all: refused next to the field, and the text typed is still there.
    page.locator("input[name=municipalities]:checked").uncheck()
    portal.submit("main form button[type=submit]:has-text('Spara uppgifterna')")
    assert page.locator("#error-summary").count() == 1
    assert "Välj de kommuner ni arbetar i" in page.locator("#error-summary").inner_text()
    assert page.locator("#id_description").input_value() == "Vi driver bygdegården och fibern."
    page.get_by_label("Vi arbetar i hela länet").check()
    portal.submit("main form button[type=submit]:has-text('Spara uppgifterna')")
    assert "Er organisations uppgifter är sparade och bekräftade." in page.inner_text("body")

    partner.refresh_from_db()
    assert partner.description == "Vi driver bygdegården och fibern."
    assert (partner.places, partner.availability_term) == (2, current_term())
    assert partner.covers_whole_county and not partner.is_stale()
    assert PartnerEntryChange.objects.filter(partner=partner, field="description").exists()

    # Later: one click on the start page confirms the entry as it stands.
    Partner.objects.filter(pk=partner.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    portal.visit(reverse("partner_portal:referral_list"))
    portal.submit("main form[action$='/partner/entry/confirm/'] button[type=submit]")
    assert "bekräftade som riktiga" in page.inner_text("body")
    assert "Inte bekräftade sedan" not in page.locator("main").inner_text()
    partner.refresh_from_db()
    assert not partner.is_stale() and partner.confirmed_by == contact
