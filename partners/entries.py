"""A partner's entry as its own: every change recorded (who, when, field, old and new value), the
entry confirmed as correct, and the signed link of the mail that asks for it.

Every path that edits an entry (the partner's page, the admin, the import) takes a snapshot
before the change and calls `entry_changes_record` after it; that one function writes the
history. Confirming is a change too (of "last confirmed").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from partners.invitations import registry_edit
from partners.models import (
    ChangeSource,
    Partner,
    PartnerContact,
    PartnerEntryChange,
    current_term,
    term_label,
)
from portal.domain import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The fields of an entry whose changes are kept, in the order a change list shows them.
PLAIN_FIELDS = (
    "name",
    "kind",
    "is_civil_society",
    "description",
    "website",
    "phone",
    "email",
    "covers_whole_county",
    "languages",
    "capacity",
    "available_places",
    "is_active",
    "listed_publicly",
)
VOCABULARY_FIELDS = ("themes", "support_kinds", "municipalities")
CONFIRMED = "confirmed_at"
CONTACTS = "contacts"
TRACKED = (*PLAIN_FIELDS, *VOCABULARY_FIELDS, CONTACTS, CONFIRMED)

CONFIRM_LINK_SALT = "partners.entry-confirm"


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def _contact_line(contact: PartnerContact) -> str:
    parts = [f"{contact.name} <{contact.email}>"]
    if contact.role:
        parts.append(contact.role)
    parts.append(contact.language)
    if contact.receives_referrals:
        parts.append(str(_("receives referrals")))
    return ", ".join(parts)


def entry_snapshot(partner: Partner) -> dict[str, str]:
    """The tracked fields of an entry as text, as the history keeps them: read from the
    database (not from what a form put on the instance), in the portal's first language
    whoever acts, so that the same entry always reads the same."""
    with translation.override(settings.LANGUAGE_CODE):
        return _snapshot(Partner.objects.get(pk=partner.pk))


def _snapshot(stored: Partner) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in PLAIN_FIELDS:
        value = getattr(stored, name)
        if name == "kind":
            value = stored.get_kind_display()
        elif name == "languages":
            value = ", ".join(value or [])
        elif name == "available_places":
            value = (
                ""
                if value is None
                else f"{value} ({term_label(stored.availability_term)})".replace(" ()", "")
            )
        elif isinstance(value, bool):
            value = _yes_no(value)
        values[name] = "" if value is None else str(value)
    for name in VOCABULARY_FIELDS:
        values[name] = ", ".join(sorted(str(item) for item in getattr(stored, name).all()))
    values[CONTACTS] = "\n".join(
        _contact_line(contact) for contact in stored.contacts.order_by("name", "pk")
    )
    values[CONFIRMED] = timezone.localtime(stored.confirmed_at).strftime("%Y-%m-%d %H:%M")
    return values


def _who(actor: User | None, contact: PartnerContact | None, source: str) -> str:
    if contact is not None:
        return f"{contact.name} ({contact.partner.name})"
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    with translation.override(settings.LANGUAGE_CODE):  # kept in one language, as the values
        return str(ChangeSource(source).label)


@transaction.atomic
def entry_changes_record(
    *,
    partner: Partner,
    before: dict[str, str] | None,
    source: ChangeSource,
    actor: User | None = None,
    contact: PartnerContact | None = None,
) -> list[PartnerEntryChange]:
    """Record each tracked field that differs from `before` (an `entry_snapshot` taken before
    the change; None for a new entry): who, when, old and new value."""
    after = entry_snapshot(partner)
    now = timezone.now()
    who = _who(actor, contact, source)
    changes = [
        PartnerEntryChange(
            partner=partner,
            field=name,
            old_value=(before or {}).get(name, ""),
            new_value=after[name],
            source=source,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=who[:200],
            created_at=now,
        )
        for name in TRACKED
        if (before or {}).get(name, "") != after[name]
        # A new entry's confirmation is its creation: not a change worth a row.
        and not (before is None and name == CONFIRMED)
    ]
    return PartnerEntryChange.objects.bulk_create(changes)


@transaction.atomic
def entry_edit_save(
    *,
    partner: Partner,
    apply: Callable[[], object],
    source: ChangeSource,
    actor: User | None = None,
    contact: PartnerContact | None = None,
) -> Partner:
    """Save an edit of the entry (`apply` writes the checked values) and record its changes.

    A stated availability counts for the current term; the partner's own edit confirms the
    entry too (it has just looked through it).
    """
    before = entry_snapshot(partner)
    # Contacts removed or moved to another address by the edit lose their logins.
    with registry_edit(Partner.objects.filter(pk=partner.pk)):
        apply()
    partner.availability_term = current_term() if partner.available_places is not None else ""
    fields = ["availability_term", "updated_at"]
    if source == ChangeSource.PARTNER:
        partner.confirmed_at = timezone.now()
        partner.confirmed_by = contact
        fields += ["confirmed_at", "confirmed_by"]
    partner.save(update_fields=fields)
    entry_changes_record(
        partner=partner, before=before, source=source, actor=actor, contact=contact
    )
    return partner


@transaction.atomic
def entry_confirm(
    *, partner: Partner, contact: PartnerContact | None, actor: User | None = None
) -> Partner:
    """Confirm that the entry is correct as it stands: now, by this contact."""
    before = entry_snapshot(partner)
    partner.confirmed_at = timezone.now()
    partner.confirmed_by = contact
    partner.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    source = ChangeSource.PARTNER if contact is not None else ChangeSource.COORDINATOR
    entry_changes_record(
        partner=partner, before=before, source=source, actor=actor, contact=contact
    )
    return partner


def recent_changes(limit: int = 100) -> list[PartnerEntryChange]:
    """The latest changes of every entry, newest first, for the coordinator."""
    return list(
        PartnerEntryChange.objects.select_related("partner").order_by("-created_at", "-pk")[:limit]
    )


# The mail's one-click link: a GET shows what it confirms and a button; the POST confirms.


class ConfirmLinkError(DomainError):
    status = 404
    default_message = _(
        "We cannot find an entry for this link. Check that you copied the whole address from "
        "the email."
    )


class ConfirmLinkExpired(ConfirmLinkError):
    status = 410
    default_message = _(
        "This link has expired. Log in to confirm your organisation's entry, or ask the "
        "coordinator for a new link."
    )


@dataclass(frozen=True)
class ConfirmLink:
    partner: Partner
    contact: PartnerContact


def confirm_link_max_age() -> timedelta:
    return timedelta(days=settings.PARTNER_CONFIRM_LINK_DAYS)


def confirm_url(*, contact: PartnerContact) -> str:
    """The full address of a signed link with which `contact` confirms its partner's entry."""
    token = signing.dumps(
        {"p": contact.partner_id, "c": contact.pk}, salt=CONFIRM_LINK_SALT, compress=True
    )
    return settings.SITE_URL + reverse("partner_portal:confirm_link", kwargs={"token": token})


def confirm_link_resolve(token: str) -> ConfirmLink:
    """Check a confirm link's token; raise ConfirmLinkError (or Expired) if it cannot be used."""
    try:
        data = signing.loads(token, salt=CONFIRM_LINK_SALT, max_age=confirm_link_max_age())
    except signing.SignatureExpired as error:
        raise ConfirmLinkExpired from error
    except signing.BadSignature as error:
        raise ConfirmLinkError from error
    try:
        partner_id, contact_id = int(data["p"]), int(data["c"])
    except (KeyError, TypeError, ValueError) as error:
        raise ConfirmLinkError from error
    # A contact removed from the entry, or moved to another partner, confirms nothing.
    contact = (
        PartnerContact.objects.select_related("partner")
        .filter(pk=contact_id, partner_id=partner_id)
        .first()
    )
    if contact is None:
        raise ConfirmLinkError
    return ConfirmLink(partner=contact.partner, contact=contact)
