"""Reads about referrals: what a partner contact may see (its own organisation's referrals only),
which referrals wait too long for an answer (reminders, escalation, the dashboard flag), and
which partners got an idea, as its owner reads it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ideas import hooks
from ideas import workflow as idea_workflow
from ideas.hooks import OwnerPartnerLine
from ideas.models import Idea
from partners.models import PartnerContact
from partners.selectors import contact_of_user
from portal.outbox.models import Message
from triage.referrals import workflow
from triage.referrals.disclosure import CONTACT, what_partner_may_know
from triage.referrals.models import (
    ConsentDecision,
    Referral,
    ReferralAnswer,
    ReferralState,
    SupportReport,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def partner_contact_of(user: User | AnonymousUser) -> PartnerContact | None:
    """The partner contact a login belongs to, or None."""
    return contact_of_user(user)


def referrals_for_contact(contact: PartnerContact | None) -> QuerySet[Referral]:
    """The referrals to the contact's organisation, newest first; none without a contact."""
    if contact is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(partner_id=contact.partner_id)
        .select_related("idea", "idea__municipality", "partner")
        .order_by("-created_at", "-pk")
    )


def referral_for_contact(contact: PartnerContact | None, pk: int) -> Referral | None:
    """One referral to the contact's organisation with what its page shows; None otherwise."""
    return (
        referrals_for_contact(contact)
        .prefetch_related(
            "idea__themes",
            "idea__support_wanted",
            Prefetch("answers", queryset=ReferralAnswer.objects.select_related("contact")),
            Prefetch("support_reports", queryset=SupportReport.objects.select_related("kind")),
        )
        .filter(pk=pk)
        .first()
    )


def reminder_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.REFERRAL_REMINDER_DAYS)


def escalation_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.REFERRAL_ESCALATION_DAYS)


def unanswered_referrals() -> QuerySet[Referral]:
    """Referrals still waiting for a first answer, of ideas that are still open."""
    return Referral.objects.filter(state=ReferralState.SENT).exclude(
        idea__status__in=idea_workflow.FINAL_STATES
    )


def overdue_referrals(now: datetime | None = None) -> QuerySet[Referral]:
    """Unanswered past REFERRAL_ESCALATION_DAYS: flagged on the dashboard."""
    return unanswered_referrals().filter(created_at__lte=escalation_cutoff(now))


# The attribute of an idea that holds its referrals as its owner's pages read them.
_OWNER_REFERRALS = "_owner_referrals"


def owner_referrals(idea: Idea) -> list[Referral]:
    """The idea's referrals, oldest first, with their partners, answers, events, consent
    records and support reports (with kinds): what the owner's ledger and consent lines show
    (five queries however many referrals). Read once per idea object, so a tracking page that
    shows both reads them once; an idea loaded afresh reads them afresh."""
    referrals = getattr(idea, _OWNER_REFERRALS, None)
    if referrals is None:
        referrals = list(
            idea.referrals.select_related("partner")
            .prefetch_related(
                "answers",
                "events",
                "consents",
                Prefetch("support_reports", queryset=SupportReport.objects.select_related("kind")),
            )
            .order_by("created_at", "pk")
        )
        for referral in referrals:
            referral.idea = idea
        setattr(idea, _OWNER_REFERRALS, referrals)
    return referrals


def referrals_for_owner(idea: Idea) -> list[OwnerPartnerLine]:
    """Who received the idea, when, what they got of the owner, what they answered and
    reported, and the mails about it: the owner's ledger (tracking page and "my data").

    Of an answer only its kind and the reason written for the owner go out, never the text for
    the committee; of a mail its time, the kind of recipient and the subject, never an address.
    Six queries however many referrals: `owner_referrals`'s five, and the mails.
    """
    referrals = owner_referrals(idea)
    mails: dict[int, list[Message]] = {referral.pk: [] for referral in referrals}
    if referrals:
        for message in Message.objects.filter(
            content_type__app_label="triage",
            content_type__model="referral",
            object_id__in=list(mails),
        ).order_by("created_at", "pk"):
            mails[message.object_id or 0].append(message)
    lines = []
    for referral in referrals:
        referral.idea = idea
        received = what_partner_may_know(referral).level
        events = [
            hooks.OwnerEvent(at=event.created_at, what=_OWNER_EVENTS[event.to_state])
            for event in referral.events.all()
            if event.to_state in _OWNER_EVENTS
        ]
        events += [
            hooks.OwnerEvent(at=consent.decided_at, what=_OWNER_CONSENTS[consent.decision])
            for consent in referral.consents.all()
        ]
        events += [
            hooks.OwnerEvent(at=message.created_at, what=hooks.EVENT_TOLD_TO_DELETE)
            for message in mails[referral.pk]
            if _ERASURE_NOTICE in message.idempotency_key
        ]
        events.sort(key=lambda event: event.at)
        lines.append(
            OwnerPartnerLine(
                partner=referral.partner.name,
                sent_at=referral.created_at,
                answer=workflow.OWNER_LABELS[workflow.ReferralState(referral.state)],
                knows_who_you_are=received == CONTACT,
                state=referral.state,
                received=received,
                answers=tuple(
                    hooks.OwnerAnswer(
                        at=answer.created_at,
                        kind=answer.kind,
                        reason_for_owner=answer.reason_for_owner,
                    )
                    for answer in referral.answers.all()
                ),
                support=tuple(
                    hooks.OwnerSupport(
                        at=report.created_at, kind=report.kind.name, progress=report.progress
                    )
                    for report in referral.support_reports.all()
                ),
                events=tuple(events),
                mails=tuple(
                    hooks.OwnerMail(
                        at=message.created_at,
                        recipient=_recipient_kind(message),
                        subject=message.subject,
                        state=message.state,
                        language=message.language.split("-")[0],
                    )
                    for message in mails[referral.pk]
                ),
            )
        )
    return lines


# The referral states the owner's ledger names besides answers and support reports.
_OWNER_EVENTS: dict[str, str] = {
    workflow.ReferralState.CANCELLED: hooks.EVENT_CANCELLED,
    workflow.ReferralState.EXPIRED: hooks.EVENT_EXPIRED,
}
# The owner's consent records, as the ledger names them.
_OWNER_CONSENTS: dict[str, str] = {
    ConsentDecision.GIVEN: hooks.EVENT_CONSENT_GIVEN,
    ConsentDecision.REFUSED: hooks.EVENT_CONSENT_REFUSED,
    ConsentDecision.WITHDRAWN: hooks.EVENT_CONSENT_WITHDRAWN,
}
# Part of the outbox key of the notice to delete an erased owner's details (services.py).
_ERASURE_NOTICE = ":erasure:"


def _recipient_kind(message: Message) -> str:
    """Whom a mail about a referral went to, by the outbox key each sender gives it."""
    if ":coordinator:" in message.idempotency_key:
        return hooks.TO_COMMITTEE
    if message.idempotency_key.endswith(":resident"):
        return hooks.TO_YOU
    return hooks.TO_PARTNER


def owner_details_deletion_notices(idea: Idea) -> dict[int, datetime]:
    """When each partner that got the owner's contact details was told to delete them (GDPR
    Art. 19), by referral id: the first notice mail stored about the referral."""
    notices: dict[int, datetime] = {}
    rows = (
        Message.objects.filter(
            content_type=ContentType.objects.get_for_model(Referral),
            object_id__in=idea.referrals.values("pk"),
            idempotency_key__regex=r"^referral:[0-9]+:erasure:",
        )
        .order_by("created_at", "pk")
        .values_list("object_id", "created_at")
    )
    for referral_id, created_at in rows:
        if referral_id is not None:
            notices.setdefault(referral_id, created_at)
    return notices
