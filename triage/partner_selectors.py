"""Reads about referrals: what a partner contact may see (its own organisation's referrals only)
and which referrals wait too long for an answer (reminders, escalation, the dashboard flag)."""
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ideas import workflow
from partners.models import PartnerContact
from triage.models import Referral, ReferralAnswer, ReferralState, SupportReport


def partner_contact_of(user) -> PartnerContact | None:
    """The partner contact a login belongs to, or None."""
    if not user.is_authenticated:
        return None
    return PartnerContact.objects.select_related("partner").filter(user=user).first()


def referrals_for_contact(contact: PartnerContact | None) -> QuerySet[Referral]:
    """The referrals to the contact's organisation, newest first; none without a contact."""
    if contact is None:
        return Referral.objects.none()
    return (Referral.objects.filter(partner_id=contact.partner_id)
            .select_related("idea", "idea__municipality", "partner")
            .order_by("-created_at", "-pk"))


def referral_for_contact(contact: PartnerContact | None, pk: int) -> Referral | None:
    """One referral to the contact's organisation with what its page shows; None otherwise."""
    return (referrals_for_contact(contact)
            .prefetch_related(
                "idea__themes", "idea__support_wanted",
                Prefetch("answers", queryset=ReferralAnswer.objects.select_related("contact")),
                Prefetch("support_reports",
                         queryset=SupportReport.objects.select_related("kind")),
            )
            .filter(pk=pk).first())


def reminder_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.REFERRAL_REMINDER_DAYS)


def escalation_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.REFERRAL_ESCALATION_DAYS)


def unanswered_referrals() -> QuerySet[Referral]:
    """Referrals still waiting for a first answer, of ideas that are still open."""
    return Referral.objects.filter(state=ReferralState.SENT).exclude(
        idea__status__in=workflow.FINAL_STATES)


def overdue_referrals(now: datetime | None = None) -> QuerySet[Referral]:
    """Unanswered past REFERRAL_ESCALATION_DAYS: flagged on the dashboard."""
    return unanswered_referrals().filter(created_at__lte=escalation_cutoff(now))
