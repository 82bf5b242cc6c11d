"""The partner's pages pass axe-core: the answer page (with errors), a dead link, the thank-you
page, and the logged-in list and detail."""

from urllib.parse import urlparse

from django.urls import reverse

from portal.roles import Role
from tests.factories import PartnerFactory, ReferralFactory, SupportKindFactory, UserFactory
from triage.models import ReferralState
from triage.referrals.answers import answer_url


def test_the_answer_page_and_its_ends_pass_axe(portal_without_js):
    portal = portal_without_js
    partner = PartnerFactory(name="Leader Bergslagen")
    referral = ReferralFactory(partner=partner, note="Kan ni hjälpa till med en lokal?")
    link = urlparse(answer_url(referral=referral, contact=partner.contacts.get())).path
    portal.visit(link)
    portal.submit("main form:has(input[name=answer][value=question]) button[type=submit]")
    portal.page.locator("main form:has(input[name=answer][value=question]) textarea").fill(
        "Finns det en förening bakom idén?"
    )
    portal.submit("main form:has(input[name=answer][value=question]) button[type=submit]")
    assert reverse("partner_portal:answered") in portal.page.url
    portal.visit(link, expect_status=410)
    portal.visit(reverse("partner_portal:answer", args=["made-up"]), expect_status=404)


def test_the_partner_list_and_detail_pass_axe(portal):
    SupportKindFactory(name_sv="Lokaler", name_en="Premises")
    partner = PartnerFactory(name="Leader Bergslagen")
    accepted = ReferralFactory(
        partner=partner, state=ReferralState.ACCEPTED, idea__title="Bybuss i Tiveden"
    )
    waiting = ReferralFactory(partner=partner, idea__title="Fiber till byn")
    user = UserFactory(username="leader", roles=[Role.PARTNER_CONTACT])
    contact = partner.contacts.get()
    contact.user = user
    contact.save()
    portal.page.goto(portal.url("/accounts/login/?next=" + reverse("partner_portal:referral_list")))
    portal.check()
    portal.page.locator("#id_username").fill("leader")
    portal.page.locator("#id_password").fill("a-long-test-password")
    portal.submit("main form button[type=submit]")
    assert reverse("partner_portal:referral_list") in portal.page.url
    portal.visit(reverse("partner_portal:referral_detail", args=[waiting.pk]))
    portal.visit(reverse("partner_portal:referral_detail", args=[accepted.pk]))
    portal.submit("main form[action$='/support/'] button[type=submit]")
    assert portal.page.locator("#error-summary").count() == 1
