"""Consent partner by partner in a browser, in Swedish, English and Arabic: the owner follows two
referrals on the tracking page, says yes to one partner and no to the other, and each partner's
page shows exactly what the owner allowed it (axe-core checks every page on the way)."""

import pytest
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Municipality, Theme
from portal.roles import Role
from tests.factories import PartnerFactory, UserFactory
from triage.models import ContactConsent
from triage.referrals.answers import referral_answer
from triage.referrals.services import idea_refer

NAME, EMAIL, PHONE = "Märta O'Hara-Öberg", "marta@example.org", "070-765 43 21"
ASSOCIATION = "Byföreningen Ramsberg"
DETAILS = (NAME, EMAIL, PHONE, ASSOCIATION)

# What the owner reads after each choice, in the idea's language.
AGREED = {
    "sv": "Du har sagt ja till att de får ditt namn och dina kontaktuppgifter.",
    "en": "You have agreed that they may have your name and contact details.",
    "ar": "لقد وافقت على أن يحصلوا على اسمك وبيانات الاتصال بك.",
}
REFUSED = {
    "sv": "Du har valt att inte dela ditt namn och dina kontaktuppgifter med dem.",
    "en": "You have chosen not to share your name and contact details with them.",
    "ar": "لقد اخترت ألا تشاركهم اسمك وبيانات الاتصال بك.",
}
YES = {"sv": "Ja, dela mina uppgifter", "en": "Yes, share my details", "ar": "نعم، شارِك بياناتي"}


def referred_and_accepted(coordinator, language: str):
    submitted = services.idea_submit(
        title="Bybuss till Ramsberg",
        description="En buss två gånger i veckan till lanthandeln.",
        municipality=Municipality.objects.get(code="1885"),
        themes=[Theme.objects.first()],
        submitter_name=NAME,
        submitter_email=EMAIL,
        submitter_phone=PHONE,
        organisation_name=ASSOCIATION,
        organisation_kind="association",
        language=language,
    )
    idea = submitted.idea
    for to in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        services.idea_transition(idea=idea, to=to, actor=coordinator)
    partners = [PartnerFactory(name="Leader Bergslagen"), PartnerFactory(name="Bygdegården")]
    referrals = idea_refer(
        idea=idea, partners=partners, note_to_partners="Kan ni hjälpa?", actor=coordinator
    )
    users = []
    for referral in referrals:
        contact = referral.partner.contacts.get()
        contact.user = UserFactory(roles=[Role.PARTNER_CONTACT])
        contact.save(update_fields=["user"])
        users.append(contact.user)
        referral_answer(referral=referral, kind="accept", user=contact.user, contact=contact)
    return submitted, referrals, users


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_owner_says_yes_to_one_partner_and_no_to_the_other(portal, coordinator, language):
    submitted, [yes_referral, no_referral], [yes_user, no_user] = referred_and_accepted(
        coordinator, language
    )
    page = portal.visit(reverse("ideas:track", args=[submitted.tracking_token]))
    assert page.locator("html").get_attribute("lang") == language
    yes_card = page.locator(f"#consent-{yes_referral.public_id}")
    no_card = page.locator(f"#consent-{no_referral.public_id}")
    assert YES[language] in yes_card.inner_text() and YES[language] in no_card.inner_text()

    portal.submit(yes_card.locator("button[value=given]"))
    portal.submit(no_card.locator("button[value=refused]"))

    assert AGREED[language] in yes_card.inner_text()
    assert REFUSED[language] in no_card.inner_text()
    assert yes_card.locator("button[value=withdrawn]").count() == 1  # a yes can be taken back
    assert no_card.locator("button[value=refused]").count() == 0
    assert list(
        ContactConsent.objects.order_by("pk").values_list("referral_id", "decision", "channel")
    ) == [(yes_referral.pk, "given", "tracking_page"), (no_referral.pk, "refused", "tracking_page")]

    # Each partner's page shows exactly what the owner allowed it.
    portal.login(yes_user)
    page = portal.visit(reverse("partner_portal:referral_detail", args=[yes_referral.pk]))
    shown = page.locator("main").inner_text()
    for detail in DETAILS:
        assert detail in shown, f"the partner the owner said yes to does not see {detail!r}"
    portal.logout()

    portal.login(no_user)
    page = portal.visit(reverse("partner_portal:referral_detail", args=[no_referral.pk]))
    shown = page.locator("main").inner_text() + page.content()
    for detail in DETAILS:
        assert detail not in shown, f"the partner the owner said no to sees {detail!r}"
    assert "en förening i Lindesberg" in shown
    assert page.locator("#owner-conversation textarea").count() == 1
