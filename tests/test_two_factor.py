"""Two-step login for every staff account: set-up, replacement, reset, codes by email."""

import base64
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.outbox.models import Message
from portal.roles import Role
from portal.two_factor import backup_codes_renew
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_committee_member_without_a_second_factor_is_sent_to_set_one_up(client):
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    log_in(client, member)
    response = client.get(reverse("triage:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("two_factor_setup"))


def secret_on(page: str) -> str:
    return re.search(r'<code class="reference fs-6">([A-Z2-7]+)</code>', page).group(1)


def code_for(secret: str) -> str:
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    return f"{totp.token():06d}"


def test_setting_up_the_authenticator_opens_the_dashboard_and_shows_backup_codes(client):
    member = UserFactory(roles=[Role.COORDINATOR])
    log_in(client, member)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page

    response = client.post(
        reverse("two_factor_setup"),
        {"method": "totp", "code": code_for(secret_on(page))},
        follow=True,
    )

    codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("triage:dashboard")).status_code == 200
    assert TOTPDevice.objects.get(user=member).confirmed


def test_a_code_cannot_be_used_twice(client, django_user_model):
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    device = TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    code = current_code(device)
    log_in(client, member)
    client.post(reverse("two_factor_verify"), {"code": code})
    assert client.get(reverse("triage:dashboard")).status_code == 200

    client.post(reverse("logout"))
    log_in(client, member)
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get(reverse("triage:dashboard")).status_code == 302


def test_a_backup_code_works_once(client):
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    code = backup_codes_renew(member)[0]
    log_in(client, member)
    client.post(reverse("two_factor_verify"), {"code": code})
    assert client.get(reverse("triage:dashboard")).status_code == 200
    client.post(reverse("logout"))
    log_in(client, member)
    client.post(reverse("two_factor_verify"), {"code": code})
    assert client.get(reverse("triage:dashboard")).status_code == 302


def test_a_wrong_code_is_refused_with_a_message_next_to_the_field(client):
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    log_in(client, member)
    response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    page = response.content.decode()
    assert 'href="#id_code"' in page and 'aria-invalid="true"' in page


def test_the_django_admin_also_needs_the_second_factor(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    log_in(client, admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


# --- The attack: a stolen password must not replace the member's authenticator


def _member_with_authenticator():
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    device = TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    codes = backup_codes_renew(member)
    return member, device, codes


def test_a_password_alone_gets_no_new_secret_and_writes_nothing(client):
    member, _device, _codes = _member_with_authenticator()
    log_in(client, member)
    devices_before = TOTPDevice.objects.count()

    response = client.get(reverse("two_factor_setup"), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 403
    assert "Two-step login is already set up" in page
    assert "<svg" not in page and "reference fs-6" not in page
    assert TOTPDevice.objects.count() == devices_before


def test_a_code_from_a_fresh_secret_does_not_let_a_password_alone_in(client):
    member, device, victim_codes = _member_with_authenticator()
    log_in(client, member)
    fresh_secret = base64.b32encode(b"0123456789abcdefghij").decode()

    response = client.post(
        reverse("two_factor_setup"), {"method": "totp", "code": code_for(fresh_secret)}
    )

    assert response.status_code == 403
    assert client.get(reverse("triage:dashboard")).status_code == 302
    assert list(TOTPDevice.objects.filter(user=member)) == [device]
    assert sorted(
        StaticToken.objects.filter(device__user=member).values_list("token", flat=True)
    ) == sorted(victim_codes)
    assert not Message.objects.exists()


def test_backup_codes_are_renewed_only_after_the_second_factor(client):
    member, _device, victim_codes = _member_with_authenticator()
    log_in(client, member)
    response = client.post(reverse("two_factor_backup_codes"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert sorted(
        StaticToken.objects.filter(device__user=member).values_list("token", flat=True)
    ) == sorted(victim_codes)


def test_a_verified_member_replaces_the_authenticator_and_is_told_by_mail(client):
    member, old_device, backup = _member_with_authenticator()
    log_in(client, member)
    client.post(reverse("two_factor_verify"), {"code": backup[0]})

    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "Byt din tvåstegsinloggning" in page
    response = client.post(
        reverse("two_factor_setup"),
        {"method": "totp", "code": code_for(secret_on(page))},
        follow=True,
    )

    assert "Din tvåstegsinloggning är ändrad" in response.content.decode()
    new_device = TOTPDevice.objects.get(user=member)
    assert new_device.pk != old_device.pk and new_device.confirmed
    mail = Message.objects.get(recipient=member.email)
    assert mail.subject == "Din tvåstegsinloggning för Idélotsen har ändrats"
    assert "ersattes" in mail.body_text and "administratör" not in mail.body_text
    entry = LogEntry.objects.get(object_id=str(member.pk))
    assert entry.user == member and "replaced" in entry.change_message


def test_an_administrator_resets_a_lost_second_factor_which_is_recorded_and_mailed(
    admin_client, django_user_model, settings
):
    settings.STAFF_2FA_REQUIRED = False  # the administrator's own second factor is tested above
    admin = django_user_model.objects.get(username="admin")
    member, _device, _codes = _member_with_authenticator()

    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [member.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticToken.objects.filter(device__user=member).exists()
    entry = LogEntry.objects.get(object_id=str(member.pk))
    assert entry.user == admin and "reset by an administrator" in entry.change_message
    mail = Message.objects.get(recipient=member.email)
    assert "En administratör återställde" in mail.body_text


# --- Outreach staff and partner contacts


@pytest.mark.parametrize("role", [Role.OUTREACH_STAFF, Role.PARTNER_CONTACT])
def test_outreach_staff_and_partner_contacts_need_a_second_factor_too(client, role):
    user = UserFactory(roles=[role])
    log_in(client, user)
    response = client.get(reverse("after_login"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    page = response.content.decode()
    assert "Med en kod som skickas till min e-postadress" in page
    assert "Med en autentiseringsapp i min telefon" in page


def test_a_partner_contact_chooses_email_codes_sent_through_the_outbox(client):
    partner = UserFactory(roles=[Role.PARTNER_CONTACT])
    log_in(client, partner)
    page = client.get(reverse("two_factor_setup"), {"method": "email"}).content.decode()
    assert partner.email in page
    assert not EmailDevice.objects.exists()  # looking writes nothing

    client.post(reverse("two_factor_setup"), {"method": "email", "action": "send"})
    mail = Message.objects.get(recipient=partner.email)
    assert mail.subject == "Din inloggningskod för Idélotsen"
    code = re.search(r"(\d{6})", mail.body_text).group(1)
    assert client.get(reverse("partner_portal:referral_list")).status_code == 302

    response = client.post(
        reverse("two_factor_setup"), {"method": "email", "code": code}, follow=True
    )
    assert len(re.findall(r"<li>(\d{8})</li>", response.content.decode())) == 10
    assert client.get(reverse("partner_portal:referral_list")).status_code == 200


def test_a_partner_contact_logs_in_with_an_emailed_code_once(client):
    partner = UserFactory(roles=[Role.PARTNER_CONTACT])
    EmailDevice.objects.create(user=partner, name="email", confirmed=True)
    log_in(client, partner)
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert "Mejla mig en kod" in page and "Öppna autentiseringsappen" not in page

    client.post(reverse("two_factor_verify"), {"action": "send"})
    code = re.search(r"(\d{6})", Message.objects.get().body_text).group(1)
    client.post(reverse("two_factor_verify"), {"code": code})
    assert client.get(reverse("partner_portal:referral_list")).status_code == 200

    client.post(reverse("logout"))
    log_in(client, partner)
    client.post(reverse("two_factor_verify"), {"code": code})
    assert client.get(reverse("partner_portal:referral_list")).status_code == 302


def test_the_committee_is_not_offered_email_codes(client):
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER, Role.OUTREACH_STAFF])
    log_in(client, member)
    page = client.get(reverse("two_factor_setup"), {"method": "email"}).content.decode()
    assert "<svg" in page
    assert "e-postadress" not in page


def test_without_the_setting_staff_log_in_with_a_password_only(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    for role in (Role.OUTREACH_STAFF, Role.PARTNER_CONTACT, Role.COMMITTEE_MEMBER):
        user = UserFactory(roles=[role])
        log_in(client, user)
        response = client.get(reverse("after_login"), follow=True)
        assert response.status_code == 200
        assert reverse("two_factor_verify") not in response.redirect_chain[-1][0]
        client.post(reverse("logout"))
