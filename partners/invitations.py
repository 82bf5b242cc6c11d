"""Logins for partner contacts: the coordinator's invitation, its link, and losing access.

A contact person of the registry gets a mail with a signed link (PARTNER_INVITATION_DAYS, one
use) to set a password; the portal then asks for the second factor its role needs. A new
invitation replaces the one before it; a revoked, replaced, used or expired one opens nothing.

An account keeps its partner access while it belongs to a contact of an active partner whose
address is still the account's. Every change of the registry (the admin, the import, the
partner's own edits) runs inside `registry_edit()`, which ends the access of every account that
no longer holds: the partner role is removed and, for an account with no other role, the
account is switched off (its sessions end with its password).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import InvitationState, Partner, PartnerContact, PartnerInvitation
from portal.accounts import password_changed_notify
from portal.domain import DomainError
from portal.languages import staff_page_language
from portal.lockout import login_lock_lift
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import Role, user_roles

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SALT = "partners.invitation"


class InvitationError(DomainError):
    """The link opens nothing: made up, or its invitation is gone."""

    default_message = _("The link does not work. Check that you copied all of it.")
    status = 404


class InvitationClosed(InvitationError):
    """The invitation exists but no longer works; `reason` says why (the page says what to do)."""

    status = 410

    def __init__(self, invitation: PartnerInvitation, reason: str) -> None:
        self.invitation = invitation
        self.reason = reason
        super().__init__(CLOSED_MESSAGES[reason])


CLOSED_MESSAGES = {
    "expired": _("This invitation is too old."),
    "accepted": _("This invitation has already been used to set a password."),
    "revoked": _("This invitation has been withdrawn."),
    "replaced": _("A newer invitation has been sent: use the link in the latest mail."),
}


class InvitationNotAllowed(DomainError):
    default_message = _("This contact cannot be invited.")


class AccessState(StrEnum):
    """What the coordinator sees of a contact's login."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ACCEPTED = "accepted"


ACCESS_LABELS = {
    AccessState.NOT_INVITED: _("not invited"),
    AccessState.INVITED: _("invited"),
    AccessState.EXPIRED: _("invitation expired"),
    AccessState.REVOKED: _("revoked"),
    AccessState.ACCEPTED: _("has a login"),
}


@dataclass(frozen=True)
class ContactAccess:
    state: AccessState
    invitation: PartnerInvitation | None

    @property
    def label(self) -> str:
        return str(ACCESS_LABELS[self.state])

    @property
    def can_invite(self) -> bool:
        return self.state != AccessState.ACCEPTED

    @property
    def can_revoke(self) -> bool:
        return self.state in (AccessState.INVITED, AccessState.ACCEPTED)


# --- Rules


def invitation_lifetime() -> timedelta:
    return timedelta(days=settings.PARTNER_INVITATION_DAYS)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def invitation_token(invitation: PartnerInvitation, key: str) -> str:
    """Sign the invitation's id and its key into the link's token."""
    return signing.dumps({"i": invitation.pk, "k": key}, salt=SALT, compress=True)


def invitation_resolve(token: str, *, now: datetime | None = None) -> PartnerInvitation:
    """The pending invitation a token opens; raise InvitationError (or InvitationClosed)."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, key = int(data["i"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvitationError from error
    invitation = (
        PartnerInvitation.objects.select_related("contact__partner", "contact__user")
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not hmac.compare_digest(invitation.key_hash, _hash(key)):
        raise InvitationError
    if invitation.state != InvitationState.PENDING:
        raise InvitationClosed(invitation, invitation.state)
    if not _still_in_registry(invitation):
        raise InvitationClosed(invitation, "revoked")
    if invitation.expires_at <= (now or timezone.now()):
        raise InvitationClosed(invitation, "expired")
    return invitation


def _still_in_registry(invitation: PartnerInvitation) -> bool:
    contact = invitation.contact
    return contact.partner.is_active and contact.email.lower() == invitation.email.lower()


def holds_partner_access(user: User) -> bool:
    """Whether an account belongs to a contact of an active partner, at the contact's address."""
    contact = PartnerContact.objects.select_related("partner").filter(user=user).first()
    return (
        contact is not None
        and contact.partner.is_active
        and contact.email.lower() == (user.email or "").lower()
    )


def invitation_language(contact: PartnerContact) -> str:
    """The contact's language, or the nearest one partner pages and mails are written in."""
    return staff_page_language(contact.language or settings.LANGUAGE_CODE)


def contact_access(contacts: Iterable[PartnerContact]) -> dict[int, ContactAccess]:
    """Each contact's login state, by contact id: two queries for any number of contacts."""
    contacts = list(contacts)
    latest: dict[int, PartnerInvitation] = {}
    for sent in PartnerInvitation.objects.filter(contact__in=contacts).order_by(
        "contact_id", "-created_at", "-pk"
    ):
        latest.setdefault(sent.contact_id, sent)
    with_access = set(
        PartnerContact.objects.filter(
            pk__in=[contact.pk for contact in contacts],
            user__is_active=True,
            user__groups__name=Role.PARTNER_CONTACT.value,
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    states = {}
    for contact in contacts:
        invitation = latest.get(contact.pk)
        if contact.pk in with_access:
            state = AccessState.ACCEPTED
        elif invitation is None:
            state = AccessState.NOT_INVITED
        elif invitation.state == InvitationState.PENDING:
            state = AccessState.INVITED if invitation.expires_at > now else AccessState.EXPIRED
        else:  # revoked, or accepted once and the login has since ended
            state = AccessState.REVOKED
        states[contact.pk] = ContactAccess(state=state, invitation=invitation)
    return states


def contacts_with_access(
    contacts: Iterable[PartnerContact],
) -> list[tuple[PartnerContact, ContactAccess]]:
    """The contacts in their order, each with its login state."""
    contacts = list(contacts)
    states = contact_access(contacts)
    return [(contact, states[contact.pk]) for contact in contacts]


# --- Writes


@transaction.atomic
def invitation_send(*, contact: PartnerContact, actor: User) -> PartnerInvitation:
    """Invite a contact to set up a login: a new link in a mail; any earlier link stops working."""
    if not contact.partner.is_active:
        raise InvitationNotAllowed(
            _("The organisation is not active. Make it active before you invite its contacts.")
        )
    now = timezone.now()
    PartnerInvitation.objects.filter(contact=contact, state=InvitationState.PENDING).update(
        state=InvitationState.REPLACED, closed_at=now
    )
    key = secrets.token_urlsafe(32)
    invitation = PartnerInvitation.objects.create(
        contact=contact,
        email=contact.email,
        key_hash=_hash(key),
        created_at=now,
        created_by=actor,
        expires_at=now + invitation_lifetime(),
    )
    path = reverse("partners:invitation", kwargs={"token": invitation_token(invitation, key)})
    message_enqueue(
        kind=MessageKind.NOTICE,
        recipient=contact.email,
        template="partner_invitation",
        context={
            "name": contact.name,
            "partner": contact.partner.name,
            "invitation_url": settings.SITE_URL + path,
            "days": settings.PARTNER_INVITATION_DAYS,
            "expires_at": invitation.expires_at,
            "coordinator_email": settings.COORDINATOR_EMAIL,
        },
        language=invitation_language(contact),
        idempotency_key=f"partner-invitation:{invitation.pk}",
        about=invitation,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, contact: PartnerContact, actor: User) -> None:
    """Withdraw a contact's invitation and end the login it gave, if any."""
    PartnerInvitation.objects.filter(contact=contact, state=InvitationState.PENDING).update(
        state=InvitationState.REVOKED, closed_at=timezone.now()
    )
    if contact.user is not None:
        _access_end(contact.user)


def invitation_account(invitation: PartnerInvitation) -> User:
    """The account an invitation sets up: the contact's, one at its address, or a new one
    (not saved) whose user name is the address."""
    contact = invitation.contact
    if contact.user is not None:
        return contact.user
    users = get_user_model().objects
    existing = (
        users.filter(Q(username__iexact=invitation.email) | Q(email__iexact=invitation.email))
        .filter(partner_contact__isnull=True)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    if users.filter(username__iexact=invitation.email).exists():
        raise InvitationNotAllowed(
            _(
                "This address already has a login for another organisation. Ask the "
                "coordinator to invite you with another address."
            )
        )
    first, _space, last = contact.name.partition(" ")
    return get_user_model()(
        username=invitation.email.lower(),
        email=invitation.email.lower(),
        first_name=first[:150],
        last_name=last[:150],
    )


@transaction.atomic
def invitation_accept(*, invitation: PartnerInvitation, password: str) -> User:
    """Use an invitation once: the contact's account gets the password and the partner role."""
    locked = PartnerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state != InvitationState.PENDING:
        raise InvitationClosed(locked, locked.state)
    user = invitation_account(invitation)
    had_password = user.pk is not None and user.has_usable_password()
    user.email = user.email or invitation.email
    user.is_active = True
    user.set_password(password)
    user.save()
    if had_password:  # an account someone already used: its owner hears of the new password
        password_changed_notify(user=user, language=invitation_language(invitation.contact))
    user.groups.add(Group.objects.get_or_create(name=Role.PARTNER_CONTACT.value)[0])
    contact = invitation.contact
    contact.user = user
    contact.save(update_fields=["user"])
    locked.state = InvitationState.ACCEPTED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    login_lock_lift(username=user.get_username())
    return user


def _access_end(user: User) -> None:
    """Take the partner role from an account; switch off one with no other role."""
    user.groups.remove(*Group.objects.filter(name=Role.PARTNER_CONTACT.value))
    contacts = list(PartnerContact.objects.filter(user=user).values_list("pk", flat=True))
    PartnerContact.objects.filter(pk__in=contacts).update(user=None)
    PartnerInvitation.objects.filter(
        contact__in=contacts, state__in=[InvitationState.PENDING, InvitationState.ACCEPTED]
    ).update(state=InvitationState.REVOKED, closed_at=timezone.now())
    if hasattr(user, "_portal_roles"):
        del user._portal_roles  # the roles cached for this request (portal.roles.user_roles)
    if user.is_staff or user.is_superuser or user_roles(user):
        return
    # A new password hash ends every session (Django checks it on each request).
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    for model in (TOTPDevice, EmailDevice, StaticDevice):
        model.objects.filter(user=user).delete()


@transaction.atomic
def partner_access_check(
    *, user_ids: Iterable[int], partners: QuerySet[Partner] | None = None
) -> list[User]:
    """End the partner access of each account that no longer belongs to a contact of an active
    partner at the contact's address, and withdraw invitations to contacts that changed so;
    return the accounts whose access ended."""
    ended = []
    accounts = get_user_model().objects.filter(
        pk__in=list(user_ids), groups__name=Role.PARTNER_CONTACT.value
    )
    for user in accounts:
        if not holds_partner_access(user):
            _access_end(user)
            ended.append(user)
    pending = PartnerInvitation.objects.filter(state=InvitationState.PENDING).select_related(
        "contact__partner"
    )
    if partners is not None:
        pending = pending.filter(contact__partner__in=partners)
    stale = [invitation.pk for invitation in pending if not _still_in_registry(invitation)]
    PartnerInvitation.objects.filter(pk__in=stale).update(
        state=InvitationState.REVOKED, closed_at=timezone.now()
    )
    return ended


@contextmanager
def registry_edit(partners: QuerySet[Partner] | None = None) -> Iterator[None]:
    """Wrap a change of the registry (of `partners`, or of any): when it is done, the logins of
    contacts it deleted, moved to another address or whose partner it made inactive end."""
    user_ids = registry_accounts(partners)
    yield
    partner_access_check(user_ids=user_ids, partners=partners)


def registry_accounts(partners: QuerySet[Partner] | None = None) -> list[int]:
    """The accounts of the contacts of `partners` (or of all), before a change of the registry."""
    contacts = PartnerContact.objects.filter(user__isnull=False)
    if partners is not None:
        contacts = contacts.filter(partner__in=partners)
    return list(contacts.values_list("user_id", flat=True))
