"""A partner contact's invitation to log in: the link's rules, the coordinator's buttons, the
mail in the contact's language, setting the password, and losing access when the registry
changes (the admin, the import)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.invitations import (
    InvitationClosed,
    InvitationError,
    invitation_accept,
    invitation_resolve,
    invitation_revoke,
    invitation_send,
)
from partners.models import InvitationState, PartnerContact, PartnerInvitation
from portal.outbox.models import Message
from portal.roles import Role, has_role
from tests.factories import PartnerContactFactory, PartnerFactory, UserFactory
from tests.partners.test_registry_io import confirm, csv_file, preview, row

pytestmark = pytest.mark.django_db
PASSWORD = "Ett långt lösenord för byalaget 2026"
INVITATION_LINK = re.compile(r"https?://\S+/partners/invitation/[^/\s]+/")


@pytest.fixture
def contact(db):
    partner = PartnerFactory(name="Byalaget Ramsberg", slug="byalaget", contacts=0)
    return PartnerContactFactory(
        partner=partner, name="Karin Kontakt", email="karin@byalaget.example.org"
    )


@pytest.fixture
def other_contact(contact):
    return PartnerContactFactory(
        partner=contact.partner, name="Olle Annan", email="olle@byalaget.example.org"
    )


def _mail_to(email: str) -> Message:
    return Message.objects.filter(recipient=email).latest("pk")


def _token(message: Message) -> str:
    url = INVITATION_LINK.search(message.body_text).group(0)
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[1]


def _path(message: Message) -> str:
    return urlsplit(INVITATION_LINK.search(message.body_text).group(0)).path


def _invite(contact, coordinator) -> str:
    invitation_send(contact=contact, actor=coordinator)
    return _token(_mail_to(contact.email))


# --- The link's rules


def test_a_link_works_for_the_days_of_the_setting_and_not_after(contact, coordinator, settings):
    settings.PARTNER_INVITATION_DAYS = 7
    token = _invite(contact, coordinator)
    now = timezone.now()
    assert invitation_resolve(token, now=now + timedelta(days=6, hours=23)).contact == contact
    with pytest.raises(InvitationClosed) as closed:
        invitation_resolve(token, now=now + timedelta(days=7, minutes=1))
    assert closed.value.reason == "expired"
    assert closed.value.status == 410

    settings.PARTNER_INVITATION_DAYS = 2
    token = _invite(contact, coordinator)
    with pytest.raises(InvitationClosed):
        invitation_resolve(token, now=now + timedelta(days=2, minutes=1))


def test_a_link_works_once(contact, coordinator):
    token = _invite(contact, coordinator)
    invitation = invitation_resolve(token)
    invitation_accept(invitation=invitation, password=PASSWORD)
    with pytest.raises(InvitationClosed) as closed:
        invitation_resolve(token)
    assert closed.value.reason == "accepted"
    # Two tabs posting the same form: the second finds the invitation used.
    with pytest.raises(InvitationClosed):
        invitation_accept(invitation=invitation, password=PASSWORD)


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(contact, coordinator):
    old = _invite(contact, coordinator)
    new = _invite(contact, coordinator)
    assert old != new
    with pytest.raises(InvitationClosed) as closed:
        invitation_resolve(old)
    assert closed.value.reason == "replaced"
    assert invitation_resolve(new).contact == contact
    assert list(contact.invitations.values_list("state", flat=True)) == [
        InvitationState.PENDING,
        InvitationState.REPLACED,
    ]


def test_a_revoked_link_opens_nothing(contact, coordinator):
    token = _invite(contact, coordinator)
    invitation_revoke(contact=contact, actor=coordinator)
    with pytest.raises(InvitationClosed) as closed:
        invitation_resolve(token)
    assert closed.value.reason == "revoked"


def test_a_made_up_or_altered_token_opens_nothing_and_the_database_holds_no_token(
    contact, coordinator
):
    token = _invite(contact, coordinator)
    for bad in ("made-up", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        with pytest.raises(InvitationError) as error:
            invitation_resolve(bad)
        assert error.value.status == 404
    stored = PartnerInvitation.objects.get()
    assert token not in stored.key_hash and len(stored.key_hash) == 64


def test_an_invitation_to_an_address_the_contact_no_longer_has_opens_nothing(contact, coordinator):
    token = _invite(contact, coordinator)
    contact.email = "ny@byalaget.example.org"
    contact.save()
    with pytest.raises(InvitationClosed) as closed:
        invitation_resolve(token)
    assert closed.value.reason == "revoked"


def test_an_inactive_partner_cannot_be_invited(contact, coordinator):
    contact.partner.is_active = False
    contact.partner.save()
    with pytest.raises(InvitationError.__mro__[1]):  # a DomainError with a message
        invitation_send(contact=contact, actor=coordinator)
    assert not PartnerInvitation.objects.exists()


# --- The coordinator's page and buttons


def _post(client, contact, action):
    return client.post(
        reverse("partners:contact_invitation", args=[contact.partner.slug]),
        {"contact": contact.pk, "action": action},
    )


def _contact_row(page: str, name: str) -> str:
    return re.search(rf"<li>{name}.*?</li>", page, re.S).group(0)


def test_the_coordinator_invites_sees_the_states_and_revokes(
    coordinator_client, contact, other_contact
):
    detail = reverse("partners:detail", args=[contact.partner.slug])
    page = coordinator_client.get(detail).content.decode()
    assert "inte inbjuden" in _contact_row(page, "Karin Kontakt")
    assert "Bjud in att logga in" in _contact_row(page, "Karin Kontakt")

    response = _post(coordinator_client, contact, "invite")
    assert response.status_code == 302 and response["Location"].startswith(detail)
    page = coordinator_client.get(detail).content.decode()
    today = timezone.localdate()
    expires = today + timedelta(days=7)
    row = _contact_row(page, "Karin Kontakt")
    assert "inbjuden" in row and "fungerar till" in row
    assert expires.strftime("%Y-%m-%d") in row or str(expires.day) in row
    assert "Dra tillbaka inbjudan" in row and "Skicka en ny inbjudan" in row
    assert "En inbjudan är skickad till karin@byalaget.example.org" in page
    assert "inte inbjuden" in _contact_row(page, "Olle Annan")

    _post(coordinator_client, contact, "revoke")
    page = coordinator_client.get(detail).content.decode()
    assert "tillbakadragen" in _contact_row(page, "Karin Kontakt")

    PartnerInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    _post(coordinator_client, contact, "invite")
    PartnerInvitation.objects.filter(state="pending").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = coordinator_client.get(detail).content.decode()
    assert "inbjudan har gått ut" in _contact_row(page, "Karin Kontakt")


def test_the_page_shows_a_contact_with_a_login(coordinator_client, contact, coordinator):
    invitation_accept(
        invitation=invitation_resolve(_invite(contact, coordinator)), password=PASSWORD
    )
    page = coordinator_client.get(reverse("partners:detail", args=["byalaget"])).content.decode()
    row = _contact_row(page, "Karin Kontakt")
    assert "har en inloggning" in row and "Stäng inloggningen" in row
    assert "Bjud in att logga in" not in row


def test_a_committee_member_sees_the_states_but_no_buttons(committee_client, contact, coordinator):
    _invite(contact, coordinator)
    page = committee_client.get(reverse("partners:detail", args=["byalaget"])).content.decode()
    assert "inbjuden" in _contact_row(page, "Karin Kontakt")
    assert reverse("partners:contact_invitation", args=["byalaget"]) not in page
    assert _post(committee_client, contact, "invite").status_code == 403
    assert _post(committee_client, contact, "revoke").status_code == 403
    assert PartnerInvitation.objects.get().state == InvitationState.PENDING


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_nobody_else_may_invite(client, contact, who):
    if who == "partner":
        client.force_login(UserFactory(username="p", roles=[Role.PARTNER_CONTACT]))
    response = _post(client, contact, "invite")
    assert response.status_code == (403 if who == "partner" else 302)
    assert not PartnerInvitation.objects.exists() and not Message.objects.exists()


def test_a_contact_of_another_partner_cannot_be_reached_through_this_partner(
    coordinator_client, contact
):
    stranger = PartnerContactFactory(email="x@annan.example.org")
    response = coordinator_client.post(
        reverse("partners:contact_invitation", args=[contact.partner.slug]),
        {"contact": stranger.pk, "action": "invite"},
    )
    assert response.status_code == 404
    assert not PartnerInvitation.objects.exists()


# --- The mail


@pytest.mark.parametrize(
    ("language", "subject", "text", "absent"),
    [
        (
            "sv",
            "Din inloggning till Idélotsen för Byalaget Ramsberg",
            "Välj ett lösenord",
            "Choose",
        ),
        ("sv-easy", "Din inloggning till Idélotsen för Byalaget Ramsberg", "lösenord", "Choose"),
        ("en", "Your login to Idélotsen for Byalaget Ramsberg", "Choose a password", "lösenord"),
        ("ar", "Your login to Idélotsen for Byalaget Ramsberg", "Choose a password", "lösenord"),
    ],
)
def test_the_mail_is_in_the_contacts_language_and_its_link_opens_the_page(
    coordinator_client, contact, other_contact, language, subject, text, absent
):
    contact.language = language
    contact.save()
    _post(coordinator_client, contact, "invite")
    mail = _mail_to(contact.email)
    assert mail.subject == subject
    assert text in mail.body_text and text in mail.body_html
    assert absent not in mail.body_text
    assert "Karin Kontakt" in mail.body_text
    for private in ("Olle", "olle@byalaget", "samordnare@example.org\n"):
        assert private not in mail.body_text
    assert INVITATION_LINK.search(mail.body_html)

    # Opened on another device whatever its language: the contact's.
    page = Client(HTTP_ACCEPT_LANGUAGE="sv" if language != "sv" else "en").get(_path(mail))
    assert page.status_code == 200
    body = page.content.decode()
    assert "karin@byalaget.example.org" in body  # the user name it will have
    if language in ("en", "ar"):
        assert "Set up your login" in body and 'lang="en"' in body
    else:
        assert "Skapa din inloggning" in body


# --- Setting the password


def test_a_bad_password_is_refused_next_to_its_field_and_nothing_changes(client, contact):
    token = _invite(contact, UserFactory(username="s", roles=[Role.COORDINATOR]))
    path = reverse("partners:invitation", args=[token])
    for data, field in (
        ({"new_password1": "kort", "new_password2": "kort"}, "new_password2"),
        ({"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}, "new_password2"),
        (
            {"new_password1": "karin@byalaget.example.org"}
            | {"new_password2": "karin@byalaget.example.org"},
            "new_password2",
        ),
    ):
        response = client.post(path, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert f'id="id_{field}"' in page and 'aria-invalid="true"' in page
        assert 'value="kort"' not in page and PASSWORD not in page  # passwords are not kept
        assert "error-summary" in page
    assert not get_user_model().objects.filter(email="karin@byalaget.example.org").exists()
    assert PartnerInvitation.objects.get().state == InvitationState.PENDING
    assert "_auth_user_id" not in client.session


def test_accepting_makes_the_account_logs_in_and_asks_for_the_second_factor(
    client, contact, coordinator, settings
):
    settings.STAFF_2FA_REQUIRED = True
    token = _invite(contact, coordinator)
    path = reverse("partners:invitation", args=[token])
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    start = reverse("partner_portal:referral_list")
    assert response["Location"] == f"{reverse('two_factor_setup')}?next={start.replace('/', '%2F')}"
    contact.refresh_from_db()
    user = contact.user
    assert user.username == user.email == "karin@byalaget.example.org"
    assert (user.first_name, user.last_name) == ("Karin", "Kontakt")
    assert user.check_password(PASSWORD) and has_role(user, Role.PARTNER_CONTACT)
    assert int(client.session["_auth_user_id"]) == user.pk
    # The partner pages wait for the second factor.
    assert client.get(start)["Location"].startswith(reverse("two_factor_verify"))
    choose = client.get(response["Location"])
    assert "Med en kod som skickas till min e-postadress" in choose.content.decode()
    # The link is spent.
    used = Client().get(path)
    assert used.status_code == 410
    assert "Inbjudan har redan använts" in used.content.decode()
    assert reverse("login") in used.content.decode()


def test_accepting_links_an_account_already_at_the_address(client, contact, coordinator):
    existing = UserFactory(username="karin", email="Karin@byalaget.example.org", is_active=False)
    token = _invite(contact, coordinator)
    client.post(
        reverse("partners:invitation", args=[token]),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    contact.refresh_from_db()
    existing.refresh_from_db()
    assert contact.user == existing and existing.is_active
    assert has_role(existing, Role.PARTNER_CONTACT)
    assert get_user_model().objects.filter(email__iexact=contact.email).count() == 1
    # Its owner is told that the password changed.
    assert Message.objects.filter(recipient=existing.email, subject__icontains="lösenord").exists()


def test_without_required_two_factor_the_contact_lands_on_the_partner_start_page(
    client, contact, coordinator, settings
):
    settings.STAFF_2FA_REQUIRED = False
    token = _invite(contact, coordinator)
    response = client.post(
        reverse("partners:invitation", args=[token]),
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("partner_portal:referral_list")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "Inbjudan är för gammal"), ("en", "This invitation is too old")],
)
def test_an_expired_link_says_what_to_do_in_the_contacts_language(
    contact, coordinator, settings, language, expected
):
    settings.COORDINATOR_EMAIL = "samordnaren@region.example.se"
    contact.language = language
    contact.save()
    token = _invite(contact, coordinator)
    PartnerInvitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    path = reverse("partners:invitation", args=[token])
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en" if language == "sv" else "sv")
    for response in (
        visitor.get(path),
        visitor.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD}),
    ):
        assert response.status_code == 410
        page = response.content.decode()
        assert expected in page
        assert "samordnaren@region.example.se" in page and "Byalaget Ramsberg" in page
        assert (
            "Be samordnaren om en ny inbjudan" if language == "sv" else "Ask the coordinator"
        ) in page
        assert 'name="new_password1"' not in page
    assert not get_user_model().objects.filter(email=contact.email).exists()
    assert PartnerInvitation.objects.get().state == InvitationState.PENDING


def test_a_made_up_link_is_a_page_that_does_not_work(client):
    response = client.get(reverse("partners:invitation", args=["made-up-token"]))
    assert response.status_code == 404
    assert "Inbjudan fungerar inte" in response.content.decode()


# --- Losing access when the registry changes


@pytest.fixture
def logged_in(contact, coordinator):
    """The contact has accepted and is logged in in a browser of their own."""
    user = invitation_accept(
        invitation=invitation_resolve(_invite(contact, coordinator)), password=PASSWORD
    )
    browser = Client()
    browser.force_login(user)
    start = reverse("partner_portal:referral_list")
    assert browser.get(start).status_code == 200
    return user, browser


def _lost_access(user, browser) -> None:
    user = get_user_model().objects.get(pk=user.pk)
    assert not has_role(user, Role.PARTNER_CONTACT)
    assert not user.is_active and not user.has_usable_password()
    response = browser.get(reverse("partner_portal:referral_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not PartnerContact.objects.filter(user=user).exists()


def _admin_change(partner, contacts: list[dict], **partner_values) -> dict:
    data = {
        "name": partner.name,
        "slug": partner.slug,
        "kind": partner.kind,
        "languages": "sv",
        "capacity": "3",
        "is_active": "on" if partner.is_active else "",
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": str(len(contacts)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        **partner_values,
    }
    data = {key: value for key, value in data.items() if value != ""}
    for index, values in enumerate(contacts):
        for key, value in values.items():
            data[f"contacts-{index}-{key}"] = value
    return data


def _contact_form(contact, **changes) -> dict:
    values = {
        "id": str(contact.pk),
        "partner": str(contact.partner_id),
        "name": contact.name,
        "email": contact.email,
        "role": contact.role,
        "receives_referrals": "on",
        "language": contact.language,
        "user": str(contact.user_id or ""),
    }
    values.update(changes)
    return values


@pytest.fixture
def admin_client_():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _admin_post(admin_client_, contact, data):
    url = reverse("admin:partners_partner_change", args=[contact.partner.pk])
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_contact_deleted_in_the_admin_loses_its_login(admin_client_, contact, logged_in):
    keeper = PartnerContactFactory(partner=contact.partner, email="kvar@byalaget.example.org")
    contact.refresh_from_db()
    data = _admin_change(
        contact.partner, [_contact_form(contact, DELETE="on"), _contact_form(keeper)]
    )
    _admin_post(admin_client_, contact, data)
    assert not PartnerContact.objects.filter(pk=contact.pk).exists()
    _lost_access(*logged_in)


def test_a_contact_given_another_address_in_the_admin_loses_its_login(
    admin_client_, contact, logged_in
):
    contact.refresh_from_db()
    data = _admin_change(contact.partner, [_contact_form(contact, email="ny@example.org")])
    _admin_post(admin_client_, contact, data)
    _lost_access(*logged_in)


def test_a_partner_made_inactive_in_the_admin_ends_its_contacts_logins_and_invitations(
    admin_client_, contact, other_contact, logged_in, coordinator
):
    token = _invite(other_contact, coordinator)
    contact.refresh_from_db()
    data = _admin_change(
        contact.partner,
        [_contact_form(contact), _contact_form(other_contact)],
        is_active="",
    )
    _admin_post(admin_client_, contact, data)
    _lost_access(*logged_in)
    with pytest.raises(InvitationClosed):
        invitation_resolve(token)
    assert other_contact.invitations.get().state == InvitationState.REVOKED


def test_a_partner_deleted_in_the_admin_ends_its_contacts_logins(admin_client_, contact, logged_in):
    url = reverse("admin:partners_partner_delete", args=[contact.partner.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    _lost_access(*logged_in)


def test_partners_deleted_from_the_admins_list_end_their_contacts_logins(
    admin_client_, contact, logged_in
):
    response = admin_client_.post(
        reverse("admin:partners_partner_changelist"),
        {"action": "delete_selected", "_selected_action": [contact.partner.pk], "post": "yes"},
    )
    assert response.status_code == 302
    _lost_access(*logged_in)


def test_an_unchanged_contact_keeps_its_login_through_the_admin(admin_client_, contact, logged_in):
    contact.refresh_from_db()
    _admin_post(admin_client_, contact, _admin_change(contact.partner, [_contact_form(contact)]))
    user, browser = logged_in
    user.refresh_from_db()
    assert user.is_active and has_role(user, Role.PARTNER_CONTACT)
    assert browser.get(reverse("partner_portal:referral_list")).status_code == 200


@pytest.fixture
def imported(coordinator_client, coordinator):
    """A partner from a file, with one contact who has accepted and is logged in."""
    from tests.factories import SupportKindFactory, ThemeFactory

    ThemeFactory(slug="bb")
    SupportKindFactory(slug="premises")
    confirm(coordinator_client, preview(coordinator_client, csv_file([row()])))
    contact = PartnerContact.objects.get(email="kim@fiber.example.org")
    user = invitation_accept(
        invitation=invitation_resolve(_invite(contact, coordinator)), password=PASSWORD
    )
    browser = Client()
    browser.force_login(user)
    return user, browser


def test_a_contact_left_out_of_an_imported_file_loses_its_login(coordinator_client, imported):
    other = "Bo Ny | bo@fiber.example.org | Kassör | ja"
    response = confirm(
        coordinator_client, preview(coordinator_client, csv_file([row(contacts=other)]))
    )
    assert response.status_code == 302
    # Kept for its answers, without a login.
    assert PartnerContact.objects.filter(email="kim@fiber.example.org", user=None).exists()
    _lost_access(*imported)


def test_a_partner_made_inactive_by_an_import_ends_its_contacts_logins(
    coordinator_client, imported
):
    response = confirm(
        coordinator_client, preview(coordinator_client, csv_file([row(is_active="nej")]))
    )
    assert response.status_code == 302
    _lost_access(*imported)


def test_a_previewed_import_changes_no_login(coordinator_client, imported):
    other = "Bo Ny | bo@fiber.example.org | Kassör | ja"
    preview(coordinator_client, csv_file([row(contacts=other)]))
    user, browser = imported
    user.refresh_from_db()
    assert user.is_active and has_role(user, Role.PARTNER_CONTACT)


def test_revoking_a_login_keeps_the_other_roles_of_the_account(contact, coordinator):
    member = UserFactory(
        username="karin@byalaget.example.org",
        email="karin@byalaget.example.org",
        roles=[Role.COMMITTEE_MEMBER],
    )
    invitation_accept(
        invitation=invitation_resolve(_invite(contact, coordinator)), password=PASSWORD
    )
    contact.refresh_from_db()
    assert contact.user == member
    invitation_revoke(contact=contact, actor=coordinator)
    member.refresh_from_db()
    assert member.is_active and has_role(member, Role.COMMITTEE_MEMBER)
    assert not has_role(member, Role.PARTNER_CONTACT)


def test_an_address_with_a_login_for_another_organisation_is_told_whom_to_ask(
    client, contact, coordinator
):
    elsewhere = UserFactory(username="karin@byalaget.example.org", roles=[Role.PARTNER_CONTACT])
    PartnerContactFactory(email="karin@byalaget.example.org", user=elsewhere)
    response = client.get(reverse("partners:invitation", args=[_invite(contact, coordinator)]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "redan en inloggning för en annan organisation" in page
    assert "Byalaget Ramsberg" in page and 'name="new_password1"' not in page
    assert PartnerInvitation.objects.get().state == InvitationState.PENDING
