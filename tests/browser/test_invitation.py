"""A partner's contact person invited by the coordinator sets up a login in a real browser: the
link in the mail, a password (a bad one first), a code by email, the partner's start page; then
she updates the organisation's entry and, when it is due again, confirms it with one click."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from partners.models import InvitationState, Partner, PartnerInvitation
from portal.outbox.models import Message
from tests.factories import PartnerContactFactory, PartnerFactory

INVITATION_LINK = re.compile(r"https?://\S+/partners/invitation/[^/\s]+/")
LOGIN_CODE = re.compile(r"\b(\d{6})\b")
PASSWORD = "Ett långt lösenord för byalaget 2026"


def _last_mail(email: str) -> Message:
    return Message.objects.filter(recipient=email).latest("pk")


def test_an_invited_contact_sets_a_password_and_a_code_then_updates_and_confirms_the_entry(
    portal, coordinator, settings
):
    partner = PartnerFactory(name="Byalaget Ramsberg", slug="byalaget", contacts=0)
    contact = PartnerContactFactory(
        partner=partner, name="Karin Kontakt", email="karin@byalaget.example.org"
    )
    page = portal.page

    # The coordinator invites her from the partner's page.
    portal.login(coordinator)
    portal.visit(f"/partners/organisation/{partner.slug}/")
    row = page.locator("#contacts-heading + ul li", has_text="Karin Kontakt")
    portal.submit(row.locator("button[value=invite]"))
    assert "En inbjudan är skickad till karin@byalaget.example.org" in page.inner_text("main")
    assert "inbjuden" in page.inner_text("#contacts-heading + ul")
    portal.logout()

    # She opens the link in her mail.
    settings.STAFF_2FA_REQUIRED = True
    mail = _last_mail(contact.email)
    assert mail.subject == "Din inloggning till Idélotsen för Byalaget Ramsberg"
    portal.visit(urlsplit(INVITATION_LINK.search(mail.body_text).group(0)).path)
    assert page.locator("h1").inner_text() == "Skapa din inloggning"
    assert "karin@byalaget.example.org" in page.inner_text("main")

    # Two passwords that differ: the error is tied to the field, the form comes back empty.
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD + "x")
    portal.submit("main form button[type=submit]")
    assert portal.focused("#error-summary")
    assert page.locator("#id_new_password2").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_new_password1").input_value() == ""

    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    portal.submit("main form button[type=submit]")
    assert "/accounts/2fa/setup/" in page.url

    # The second factor: a code by email.
    page.get_by_label("Med en kod som skickas till min e-postadress").check()
    portal.submit("main form button[type=submit]")
    portal.submit(page.get_by_role("button", name="Skicka en kod till mig"))
    code = LOGIN_CODE.search(_last_mail(contact.email).body_text).group(1)
    page.locator("#id_code").fill(code)
    portal.submit("main form:has(#id_code) button[type=submit]")
    assert page.locator("#backup-codes li").count() == 10
    portal.follow("main a.btn-primary")
    assert urlsplit(page.url).path == "/partner/"
    assert PartnerInvitation.objects.get().state == InvitationState.ACCEPTED

    # Her first errand: the entry. She updates what the organisation offers, then confirms it.
    portal.follow("main a[href$='/partner/entry/']")
    page.get_by_label("Vad er organisation erbjuder").fill("Vi driver bygdegården i Ramsberg.")
    page.locator("#id_available_places").fill("3")
    page.get_by_label("Vi arbetar i hela länet").check()
    portal.submit("main form button[type=submit]:has-text('Spara uppgifterna')")
    assert "Er organisations uppgifter är sparade och bekräftade." in page.inner_text("body")
    partner.refresh_from_db()
    assert partner.description == "Vi driver bygdegården i Ramsberg."
    assert partner.confirmed_by == contact and partner.available_places == 3
    Partner.objects.filter(pk=partner.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    portal.visit("/partner/")
    assert "Inte bekräftade sedan" in page.inner_text("main")
    portal.submit("main form[action$='/partner/entry/confirm/'] button[type=submit]")
    assert "bekräftade som riktiga" in page.inner_text("body")
    assert "Inte bekräftade sedan" not in page.inner_text("main")
    partner.refresh_from_db()
    assert not partner.is_stale() and partner.confirmed_by == contact

    # The link is spent: opened again, it says so and what to do.
    portal.logout()
    portal.visit(urlsplit(INVITATION_LINK.search(mail.body_text).group(0)).path, expect_status=410)
    assert "Inbjudan har redan använts" in page.inner_text("main")
