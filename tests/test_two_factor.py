"""Two-step login for committee, coordinator and administrator accounts."""
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import Role
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


def test_setting_up_the_authenticator_opens_the_dashboard_and_shows_backup_codes(client):
    member = UserFactory(roles=[Role.COORDINATOR])
    log_in(client, member)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=member, confirmed=False)

    response = client.post(reverse("two_factor_setup"), {"code": current_code(device)},
                           follow=True)

    codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("triage:dashboard")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


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
    from portal.two_factor import backup_codes_renew

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


def test_partner_contacts_and_outreach_staff_log_in_with_a_password_only(client):
    staff = UserFactory(roles=[Role.OUTREACH_STAFF])
    log_in(client, staff)
    assert not client.get("/").has_header("Location")
    assert client.get(reverse("triage:dashboard")).status_code == 403


def test_the_django_admin_also_needs_the_second_factor(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    log_in(client, admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
