"""Until the owner says yes, a partner and the idea's owner talk through the portal.

The partner writes on its referral page; the owner reads the text in a mail (no partner address,
no Reply-To) and answers on the tracking page; the partner's contact gets the answer by mail (no
owner address), from the portal's address like the committee's replies to a partner's question
(`answers.referral_reply`), and to the same people: the contact who wrote, or else the
partner's referral contacts. Both sides' messages stay on the referral as `RelayedMessage`s.
"""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from ideas.models import Idea
from ideas.services import idea_tracking_url, owner_mail
from partners.models import PartnerContact
from partners.selectors import referral_recipients
from portal.domain import DomainError
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from triage.referrals import workflow
from triage.referrals.consent import CONSENT_ANCHOR, owner_referral, partner_referral_url
from triage.referrals.disclosure import what_partner_may_know
from triage.referrals.models import Referral, RelayDirection, RelayedMessage


class RelayError(DomainError):
    """A message that cannot be passed on, with a message for whoever wrote it."""


def _clean(text: str) -> str:
    text = text.strip()
    if not text:
        raise RelayError(_("Write your message."))
    return text


@transaction.atomic
def relay_to_owner(
    *, referral: Referral, text: str, contact: PartnerContact | None
) -> RelayedMessage:
    """A partner's message to the idea's owner: stored, and mailed to the owner in the idea's
    language with the tracking link to answer on. The mail names the partner, never an address
    of its people."""
    text = _clean(text)
    locked = (
        Referral.objects.select_for_update().select_related("idea", "partner").get(pk=referral.pk)
    )
    if locked.state not in workflow.OPEN_STATES:
        raise RelayError(_("This referral is closed, so you cannot write about it any more."))
    message = RelayedMessage(
        referral=locked, direction=RelayDirection.TO_OWNER, text=text, contact=contact
    )
    message.full_clean()
    message.save()
    tracking = idea_tracking_url(locked.idea)
    owner_mail(
        idea=locked.idea,
        kind=MessageKind.NOTICE,
        template="relayed_to_owner",
        context={
            "referral": locked,
            "text": text,
            "consent_url": f"{tracking}{CONSENT_ANCHOR}" if tracking else "",
        },
        idempotency_key=f"relayed:{message.pk}:resident",
    )
    return message


@transaction.atomic
def relay_to_partner(*, idea: Idea, public_id: UUID | str, text: str) -> RelayedMessage:
    """The owner's answer on the tracking page to a partner that wrote: stored, and mailed to
    the contact who wrote last (or the partner's referral contacts) without the owner's
    address, only what the owner allowed this partner to know."""
    text = _clean(text)
    referral = owner_referral(idea, public_id)
    if referral is None:
        raise RelayError(_("This partner has not received your idea."))
    last = (
        referral.relayed_messages.filter(direction=RelayDirection.TO_OWNER)
        .select_related("contact")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None or referral.state not in workflow.OPEN_STATES:
        raise RelayError(_("You can answer a partner here once it has written to you."))
    contacts = (
        [last.contact]
        if last.contact is not None and last.contact.email
        else list(referral_recipients(referral.partner))
    )
    message = RelayedMessage(
        referral=referral,
        direction=RelayDirection.TO_PARTNER,
        text=text,
        contact=contacts[0] if len(contacts) == 1 else None,
    )
    message.full_clean()
    message.save()
    for contact in contacts:
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=contact.email,
            template="relayed_to_partner",
            context={
                "referral": referral,
                "idea": referral.idea,
                "contact": contact,
                "text": text,
                "owner": what_partner_may_know(referral),
                "referral_url": partner_referral_url(referral),
            },
            language=contact.language,
            idempotency_key=f"relayed:{message.pk}:contact:{contact.pk}",
            about=referral,
        )
    return message
