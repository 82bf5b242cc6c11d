"""Reads about referrals: what a partner contact may see (its own organisation's referrals only),
which referrals wait too long for an answer (reminders, escalation, the dashboard flag), and
which partners got an idea, as its owner reads it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ideas import workflow as idea_workflow
from ideas.hooks import OwnerPartnerLine
from ideas.models import Idea
from partners.models import PartnerContact
from triage.referrals import workflow
from triage.referrals.disclosure import CONTACT, what_partner_may_know
from triage.referrals.models import Referral, ReferralAnswer, ReferralState, SupportReport

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def partner_contact_of(user: User | AnonymousUser) -> PartnerContact | None:
    """The partner contact a login belongs to, or None."""
    if not user.is_authenticated:
        return None
    return PartnerContact.objects.select_related("partner").filter(user=user).first()


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


def referrals_for_owner(idea: Idea) -> list[OwnerPartnerLine]:
    """Who received the idea, when, what they got and what they answered, as the owner reads
    it on the tracking page (the owner labels of the referral table, still lazy). One query."""
    lines = []
    for referral in idea.referrals.select_related("partner").order_by("created_at", "pk"):
        referral.idea = idea
        lines.append(
            OwnerPartnerLine(
                partner=referral.partner.name,
                sent_at=referral.created_at,
                answer=workflow.OWNER_LABELS[workflow.ReferralState(referral.state)],
                knows_who_you_are=what_partner_may_know(referral).level == CONTACT,
            )
        )
    return lines
