"""The owner decides, partner by partner, whether a partner learns who they are.

Blind first: a referral carries no name or contact details (`disclosure.what_partner_may_know`).
The consent given on the form or at the outreach intake ("share with the partners the committee
picks") is recorded for each partner when the committee picks it. When a partner accepts and the
owner has not decided for it, the owner is asked, in the acceptance mail and on the tracking
page: share name and contact details with this partner, yes or no. A "yes" can be taken back on
the tracking page. Every decision is a new `ContactConsent` row (when, which text version,
which partner, which channel), never an edit; the partner is told by mail of each decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Channel, Idea
from ideas.services import idea_tracking_url, owner_mail
from partners.selectors import referral_recipients
from portal.domain import DomainError
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from triage.referrals import workflow
from triage.referrals.disclosure import what_partner_may_know
from triage.referrals.models import (
    ConsentChannel,
    ConsentDecision,
    ContactConsent,
    Referral,
    RelayedMessage,
)
from triage.referrals.selectors import owner_referrals

if TYPE_CHECKING:
    from django.forms import Form

# The version of the question the tracking page and the acceptance mail put to the owner
# (templates/ideas/includes/_partner_consent.html, templates/emails/referral_accepted.*),
# stored with each decision made there. Change it with the text.
PARTNER_CONSENT_TEXT_VERSION = "2026-12"

# Where the owner answers on the tracking page.
CONSENT_ANCHOR = "#partner-consent"

# The partner's mail after each decision, by decision.
PARTNER_TEMPLATES = {
    ConsentDecision.GIVEN: "referral_contact_shared",
    ConsentDecision.REFUSED: "referral_contact_refused",
    ConsentDecision.WITHDRAWN: "referral_contact_withdrawn",
}


class ConsentError(DomainError):
    """A decision the owner cannot make now, with a message for them."""


def latest_decision(referral: Referral) -> str:
    """The owner's decision in force for the referral's partner; "" when none was made."""
    consent = referral.consents.order_by("-created_at", "-pk").first()
    return consent.decision if consent is not None else ""


def _record(
    referral: Referral,
    *,
    decision: ConsentDecision,
    channel: ConsentChannel,
    text_version: str,
    decided_at: datetime,
) -> ContactConsent:
    consent = ContactConsent(
        referral=referral,
        decision=decision,
        channel=channel,
        text_version=text_version,
        decided_at=decided_at,
    )
    consent.full_clean()
    consent.save()
    shares = decision == ConsentDecision.GIVEN
    if referral.includes_contact_details != shares:
        referral.includes_contact_details = shares
        referral.save(update_fields=["includes_contact_details"])
    return consent


def contact_consent_from_form(referral: Referral) -> ContactConsent | None:
    """Record the form's or the intake's consent for the partner the committee just picked;
    None when the owner did not give it (or the details are erased). Called by `idea_refer`
    before the referral mail is written, so that the mail carries the details."""
    idea = referral.idea
    if not idea.share_contact_with_partners or idea.anonymised_at is not None:
        return None
    return _record(
        referral,
        decision=ConsentDecision.GIVEN,
        channel=ConsentChannel.FORM if idea.channel == Channel.WEB else ConsentChannel.INTAKE,
        text_version=idea.consent_version,
        decided_at=idea.consent_given_at,
    )


def owner_told_of_acceptance(referral: Referral) -> None:
    """The owner's mail when a partner says yes: which partner and, when the owner has not
    decided for that partner, the question whether to share name and contact details with it
    (answered on the tracking page). Only public facts: nothing the partner wrote."""
    decision = latest_decision(referral)
    tracking = idea_tracking_url(referral.idea)
    owner_mail(
        idea=referral.idea,
        kind=MessageKind.STATUS_CHANGE,
        template="referral_accepted",
        context={
            "referral": referral,
            "decision": decision,
            "consent_url": f"{tracking}{CONSENT_ANCHOR}" if tracking else "",
        },
        idempotency_key=f"referral-accepted:{referral.pk}:resident",
    )


def _tell_partner(referral: Referral, consent: ContactConsent) -> None:
    template = PARTNER_TEMPLATES[ConsentDecision(consent.decision)]
    for contact in referral_recipients(referral.partner):
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=contact.email,
            template=template,
            context={
                "referral": referral,
                "idea": referral.idea,
                "contact": contact,
                "owner": what_partner_may_know(referral),
                "referral_url": partner_referral_url(referral),
            },
            language=contact.language,
            idempotency_key=f"contact-consent:{consent.pk}:contact:{contact.pk}",
            about=referral,
        )


def partner_referral_url(referral: Referral) -> str:
    """The partner's page of the referral (a login), where it writes to the owner."""
    return settings.SITE_URL + reverse("partner_portal:referral_detail", args=[referral.pk])


def owner_referral(idea: Idea, public_id: UUID | str) -> Referral | None:
    """The idea's referral with this public id, locked; None for any other idea's or none."""
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        return None
    return (
        Referral.objects.select_for_update()
        .select_related("idea", "idea__municipality", "partner")
        .filter(idea=idea, public_id=public_id)
        .first()
    )


def open_choices(*, current: str, accepted: bool, erased: bool) -> frozenset[str]:
    """The decisions the owner may make now for one partner.

    Share (yes): once the partner has said yes, or after an earlier decision (a change of mind),
    unless already shared. Do not share (no): while undecided, to a partner that said yes. Take
    back: while shared. Nothing once the owner's details are erased.
    """
    if erased:
        return frozenset()
    choices = set()
    if current != ConsentDecision.GIVEN and (accepted or current != ""):
        choices.add(ConsentDecision.GIVEN.value)
    if current == "" and accepted:
        choices.add(ConsentDecision.REFUSED.value)
    if current == ConsentDecision.GIVEN:
        choices.add(ConsentDecision.WITHDRAWN.value)
    return frozenset(choices)


@transaction.atomic
def contact_consent_decide(
    *, idea: Idea, public_id: UUID | str, decision: str, now: datetime | None = None
) -> ContactConsent:
    """The owner's decision on the tracking page for one partner: share (yes), do not share
    (no), or take back a consent. Recorded with the question's text version; the partner is
    told by mail, with the contact details only after a yes."""
    referral = owner_referral(idea, public_id)
    if referral is None:
        raise ConsentError(_("This partner has not received your idea."))
    choices = open_choices(
        current=latest_decision(referral),
        accepted=referral.state in workflow.ACCEPTED_STATES,
        erased=idea.anonymised_at is not None,
    )
    if decision not in choices:
        raise ConsentError(_("This choice is not open for this partner now."))
    consent = _record(
        referral,
        decision=ConsentDecision(decision),
        channel=ConsentChannel.TRACKING_PAGE,
        text_version=PARTNER_CONSENT_TEXT_VERSION,
        decided_at=now or timezone.now(),
    )
    _tell_partner(referral, consent)
    return consent


# --- What the tracking page shows (read through ideas.hooks, rendered by
# templates/ideas/includes/_partner_consent.html).


@dataclass
class PartnerConsentLine:
    """One partner on the owner's tracking page: the decision and what the owner may do."""

    public_id: str
    partner: str
    decision: str
    may_share: bool
    may_refuse: bool
    may_withdraw: bool
    messages: list[RelayedMessage] = field(default_factory=list)
    may_reply: bool = False
    reply_form: Form | None = None


def consent_lines_for_owner(idea: Idea) -> list[PartnerConsentLine]:
    """The partners the owner can decide about or talk with, oldest referral first."""
    lines = []
    referrals = owner_referrals(idea)
    # Only the tracking page needs what the partners and the owner wrote: one more query.
    prefetch_related_objects(referrals, "relayed_messages")
    for referral in referrals:
        consents = list(referral.consents.all())
        decision = consents[-1].decision if consents else ""
        messages = list(referral.relayed_messages.all())
        accepted = referral.state in workflow.ACCEPTED_STATES
        if not (accepted or decision or messages):
            continue
        choices = open_choices(
            current=decision, accepted=accepted, erased=idea.anonymised_at is not None
        )
        lines.append(
            PartnerConsentLine(
                public_id=str(referral.public_id),
                partner=referral.partner.name,
                decision=decision,
                may_share=ConsentDecision.GIVEN in choices,
                may_refuse=ConsentDecision.REFUSED in choices,
                may_withdraw=ConsentDecision.WITHDRAWN in choices,
                messages=messages,
                may_reply=bool(messages) and referral.state in workflow.OPEN_STATES,
            )
        )
    return lines
