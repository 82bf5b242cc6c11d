"""Unanswered referrals: a reminder to the partner, then an escalation to the coordinator, and
at last the referral expires.

Reminder and escalation are derived from the referral's date; the outbox's idempotency key makes
each go at most once per referral (and recipient), however often Celery beat runs the task. A
referral still unanswered when its answer links stop working (REFERRAL_LINK_MAX_AGE_DAYS after
its last move) expires: the system moves it through `referral_transition`, so the idea follows
(back to review when it was the last open referral).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from partners.selectors import referral_recipients
from portal.outbox.models import Message, MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import SYSTEM
from triage.referrals.answer_links import answer_url, link_max_age
from triage.referrals.answers import notify_coordinators
from triage.referrals.disclosure import what_partner_may_know
from triage.referrals.models import Referral
from triage.referrals.selectors import overdue_referrals, reminder_cutoff, unanswered_referrals
from triage.referrals.services import referral_transition
from triage.referrals.workflow import AWAITING_ANSWER, ReferralState

# Prefixes of the outbox idempotency keys: "<prefix>:<referral id>:...".
REMINDER_KEY = "referral-reminder"
ESCALATION_KEY = "referral-escalation"


@dataclass
class ReminderRun:
    reminded: int = 0
    escalated: int = 0
    expired: int = 0


def referrals_to_remind(now: datetime | None = None) -> QuerySet[Referral]:
    return _not_yet(
        unanswered_referrals().filter(created_at__lte=reminder_cutoff(now)), REMINDER_KEY
    )


def referrals_to_escalate(now: datetime | None = None) -> QuerySet[Referral]:
    return _not_yet(overdue_referrals(now), ESCALATION_KEY)


def referrals_to_expire(now: datetime | None = None) -> QuerySet[Referral]:
    """Referrals waiting for an answer whose last move is older than an answer link lives."""
    cutoff = (now or timezone.now()) - link_max_age()
    return (
        Referral.objects.filter(state__in=AWAITING_ANSWER)
        .annotate(last_move=Max("events__created_at"))
        .filter(last_move__lte=cutoff)
        .order_by("created_at", "pk")
    )


def _not_yet(queryset: QuerySet[Referral], key: str) -> QuerySet[Referral]:
    """Leave out referrals that already have this mail in the outbox."""
    already = Message.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral),
        object_id=OuterRef("pk"),
        idempotency_key__startswith=f"{key}:",
    )
    return (
        queryset.exclude(Exists(already))
        .select_related("idea", "partner")
        .order_by("created_at", "pk")
    )


def referral_remind(referral: Referral) -> int:
    """Queue the reminder to each of the partner's contacts, with a fresh link; once each."""
    answers = referral.answers.count()
    sent = 0
    for contact in referral_recipients(referral.partner):
        message_enqueue(
            kind=MessageKind.REMINDER,
            recipient=contact.email,
            template="referral_reminder",
            context={
                "referral": referral,
                "idea": referral.idea,
                "contact": contact,
                "owner": what_partner_may_know(referral),
                "answer_url": answer_url(referral=referral, contact=contact, answers=answers),
            },
            language=contact.language,
            idempotency_key=f"{REMINDER_KEY}:{referral.pk}:contact:{contact.pk}",
            about=referral,
        )
        sent += 1
    return sent


def referral_escalate(referral: Referral) -> None:
    """Tell the coordinator that a partner has not answered; once per referral."""
    notify_coordinators(
        template="referral_escalation",
        context={
            "referral": referral,
            "idea": referral.idea,
            "owner": what_partner_may_know(referral),
            "days": settings.REFERRAL_ESCALATION_DAYS,
        },
        key=f"{ESCALATION_KEY}:{referral.pk}",
        about=referral,
    )


def referrals_remind_and_escalate(*, now: datetime | None = None) -> ReminderRun:
    """Send the reminders and escalations that are due and expire referrals nobody answered;
    running it again does nothing new."""
    run = ReminderRun()
    for referral in referrals_to_remind(now):
        with transaction.atomic():
            if referral_remind(referral):
                run.reminded += 1
    for referral in referrals_to_escalate(now):
        with transaction.atomic():
            referral_escalate(referral)
            run.escalated += 1
    for referral in referrals_to_expire(now):
        with transaction.atomic():
            referral_transition(referral=referral, to=ReferralState.EXPIRED, actor=SYSTEM)
            run.expired += 1
    return run
