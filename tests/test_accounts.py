"""Password reset by email and password change, driven through the pages and the outbox."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "ett-helt-nytt-lösenord-2026"


def _ask_for_reset(client: Client, email: str, language: str = "sv"):
    return client.post(
        reverse("password_reset"), {"email": email}, HTTP_ACCEPT_LANGUAGE=language, follow=True
    )


def _reset_path(message: Message) -> str:
    url = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body_text).group(0)
    return urlsplit(url).path


def test_a_reset_mail_goes_through_the_outbox_in_swedish(client):
    user = UserFactory(roles=[Role.PARTNER_CONTACT], first_name="Karin")
    response = _ask_for_reset(client, user.email)
    assert "Titta i din e-post" in response.content.decode()
    mail = Message.objects.get(recipient=user.email)
    assert mail.kind == MessageKind.NOTICE
    assert mail.subject == "Återställ ditt lösenord för Idélotsen"
    assert "Hej Karin!" in mail.body_text
    assert "Välj ett nytt lösenord med den här länken" in mail.body_text
    assert "Choose a new password" not in mail.body_text


def test_a_reset_mail_is_in_english_for_a_visitor_reading_english(client):
    user = UserFactory(roles=[Role.OUTREACH_STAFF])
    _ask_for_reset(client, user.email, "en")
    mail = Message.objects.get(recipient=user.email)
    assert mail.subject == "Reset your password for Idélotsen"
    assert "Choose a new password with this link" in mail.body_text
    assert "lösenord" not in mail.body_text


def test_an_unknown_address_gets_the_same_page_and_no_mail(client):
    user = UserFactory()
    known = _ask_for_reset(client, user.email)
    unknown = _ask_for_reset(Client(), "nobody@example.org")
    assert known.redirect_chain == unknown.redirect_chain

    def without_tokens(response) -> str:
        return re.sub(r'value="[^"]{40,}"', "", response.content.decode())

    assert without_tokens(known) == without_tokens(unknown)
    assert "Titta i din e-post" in without_tokens(unknown)
    assert Message.objects.filter(recipient="nobody@example.org").count() == 0


def test_resets_for_one_address_are_limited_without_telling_the_visitor(client, settings):
    settings.PASSWORD_RESET_RATE = "3/h"
    user = UserFactory()
    pages = [_ask_for_reset(Client(REMOTE_ADDR=f"203.0.113.{n}"), user.email) for n in range(5)]
    assert Message.objects.filter(recipient=user.email).count() == 3
    assert all("Titta i din e-post" in page.content.decode() for page in pages)


def test_the_reset_link_sets_a_new_password_once_and_the_owner_is_told(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    _ask_for_reset(client, user.email)
    reset_path = _reset_path(Message.objects.get(recipient=user.email))
    form_url = client.get(reset_path)["Location"]
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Ditt lösenord är ändrat" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    told = Message.objects.get(
        recipient=user.email, subject="Ditt lösenord i Idélotsen har ändrats"
    )
    assert "Lösenordet till ditt konto i Idélotsen ändrades" in told.body_text

    again = Client().get(reset_path, follow=True).content.decode()
    assert "Länken fungerar inte" in again


def test_a_weak_new_password_is_refused_next_to_the_field(client):
    user = UserFactory()
    _ask_for_reset(client, user.email)
    form_url = client.get(_reset_path(Message.objects.get(recipient=user.email)))["Location"]
    page = client.post(
        form_url, {"new_password1": "kort", "new_password2": "kort"}
    ).content.decode()
    assert 'href="#id_new_password2"' in page and 'aria-invalid="true"' in page


def test_a_logged_in_user_changes_the_password_and_is_told_by_mail(client):
    user = UserFactory(roles=[Role.OUTREACH_STAFF])
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Ditt lösenord är ändrat" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert Message.objects.filter(
        recipient=user.email, subject="Ditt lösenord i Idélotsen har ändrats"
    ).exists()


def test_changing_the_password_needs_the_second_factor_when_it_is_required(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    user = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"].startswith(reverse("two_factor_verify"))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_login_page_and_the_staff_header_link_to_the_password_pages(client):
    login = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Glömt lösenordet?' in login
    client.force_login(UserFactory(roles=[Role.COMMITTEE_MEMBER]))
    header = client.get(reverse("triage:dashboard")).content.decode()
    assert f'href="{reverse("password_change")}">Byt lösenord' in header
