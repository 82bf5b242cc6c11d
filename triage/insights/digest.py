"""The weekly digest to the committee: what came in, what waits for them, what partners owe."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ideas.models import Idea
from portal.outbox.models import Message, MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import COMMITTEE_ROLES
from triage.models import (
    ConflictDeclaration,
    Referral,
    ReferralState,
    Review,
    ReviewAssignment,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LIST_LIMIT = 15


def digest_recipients() -> QuerySet[User]:
    """Active committee members, coordinators and administrators with an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[role.value for role in COMMITTEE_ROLES]) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def reviews_waiting_for(member: User) -> QuerySet[ReviewAssignment]:
    """The member's assigned reviews not yet submitted; a declared conflict takes one off."""
    submitted = Review.objects.filter(
        idea=OuterRef("idea"), member=member, submitted_at__isnull=False
    )
    conflicted = ConflictDeclaration.objects.active().filter(idea=OuterRef("idea"), member=member)
    return (
        ReviewAssignment.objects.filter(member=member)
        .exclude(Exists(submitted))
        .exclude(Exists(conflicted))
        .select_related("idea")
        .order_by("assigned_at")
    )


def digest_context(member: User, *, since: datetime) -> dict[str, Any]:
    new_ideas = Idea.objects.filter(created_at__gte=since).order_by("-created_at")
    unanswered = (
        Referral.objects.filter(state=ReferralState.SENT)
        .select_related("idea", "partner")
        .order_by("created_at")
    )
    waiting = reviews_waiting_for(member)
    return {
        "member": member,
        "since": since,
        "new_ideas_count": new_ideas.count(),
        "new_ideas": list(new_ideas[:LIST_LIMIT]),
        "reviews_waiting_count": waiting.count(),
        "reviews_waiting": list(waiting[:LIST_LIMIT]),
        "unanswered_count": unanswered.count(),
        "unanswered": list(unanswered[:LIST_LIMIT]),
    }


def digest_send_weekly(*, now: datetime | None = None) -> list[Message]:
    """Queue this week's digest for every committee member; a second run sends nothing new."""
    now = now or timezone.now()
    year, week, _day = timezone.localtime(now).isocalendar()
    since = now - timedelta(days=7)
    messages = []
    for member in digest_recipients():
        with transaction.atomic():
            messages.append(
                message_enqueue(
                    kind=MessageKind.DIGEST,
                    recipient=member.email,
                    template="digest",
                    context=digest_context(member, since=since),
                    language="sv",
                    idempotency_key=f"digest:{year}-W{week:02d}:user:{member.pk}",
                )
            )
    return messages
