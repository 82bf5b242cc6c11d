"""A partner answers a referral from the link in its mail, with JavaScript off."""

from urllib.parse import urlparse

from tests.factories import PartnerFactory, ReferralFactory
from triage.models import Referral, ReferralState
from triage.referrals.answers import answer_url


def test_a_partner_declines_with_a_reason_from_the_mailed_link(portal_without_js):
    portal = portal_without_js
    partner = PartnerFactory(name="Leader Bergslagen")
    referral = ReferralFactory(partner=partner)
    link = answer_url(referral=referral, contact=partner.contacts.get())
    page = portal.visit(urlparse(link).path)

    decline = "main form:has(input[name=answer][value=decline])"
    portal.submit(f"{decline} button[type=submit]")
    reason = page.locator(f"{decline} textarea[name=decline-text]")
    assert reason.get_attribute("aria-invalid") == "true"
    assert page.locator("#error-summary").count() == 1
    reason.fill("Vi har inga resurser i höst.")
    portal.submit(f"{decline} button[type=submit]")
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.DECLINED
