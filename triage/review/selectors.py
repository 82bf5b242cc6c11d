"""Reads of the committee's review that carry rules: who reviews, the scores and their
aggregate, and conflicts of interest (a member with one is left out of what counts reviews)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from statistics import fmean
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Q, QuerySet

from ideas.models import Idea
from partners.models import Partner
from portal.roles import Role, has_role
from triage.referrals.suggestions import Suggestion, suggested_partner_id, top_suggestions
from triage.review.models import ConflictDeclaration, Criterion, Review, Score

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def committee_members() -> QuerySet[User]:
    """The users who review ideas: committee members and the coordinator."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=[Role.COMMITTEE_MEMBER, Role.COORDINATOR]) | Q(is_superuser=True)
        )
        .distinct()
        .order_by("first_name", "username")
        .only("pk", "username", "first_name", "last_name")
    )


# -- scores -----------------------------------------------------------------------------------


@dataclass
class CriterionResult:
    criterion: Criterion
    mean: float | None
    count: int


@dataclass
class Aggregate:
    """The committee's scores of one idea: weighted mean, spread and how many have scored."""

    mean: float | None = None
    spread: float | None = None
    count: int = 0
    per_criterion: list[CriterionResult] = field(default_factory=list)


def weighted_mean(scores: list[Score]) -> float | None:
    """One member's weighted mean over the criteria the member could judge."""
    judged = [
        (Decimal(score.criterion.weight), score.value)
        for score in scores
        if score.value is not None
    ]
    total_weight = sum(weight for weight, _value in judged)
    if not total_weight:
        return None
    return float(sum(weight * value for weight, value in judged) / total_weight)


def aggregate(reviews: list[Review], excluded_member_ids: set[int]) -> Aggregate:
    """Combine the submitted reviews; members with a declared conflict are left out.

    The mean is the mean of the members' weighted means; the spread is the highest minus the
    lowest of them, so one number tells whether the committee agrees.
    """
    counted = [
        review
        for review in reviews
        if review.submitted_at and review.member_id not in excluded_member_ids
    ]
    member_means = [
        m for m in (weighted_mean(list(r.scores.all())) for r in counted) if m is not None
    ]
    per_criterion: dict[int, list] = {}
    criteria: dict[int, Criterion] = {}
    for review in counted:
        for score in review.scores.all():
            criteria[score.criterion_id] = score.criterion
            if score.value is not None:
                per_criterion.setdefault(score.criterion_id, []).append(score.value)
    return Aggregate(
        mean=fmean(member_means) if member_means else None,
        spread=(max(member_means) - min(member_means)) if member_means else None,
        count=len(counted),
        per_criterion=[
            CriterionResult(
                criterion,
                fmean(per_criterion[pk]) if per_criterion.get(pk) else None,
                len(per_criterion.get(pk, [])),
            )
            for pk, criterion in sorted(
                criteria.items(), key=lambda item: (item[1].order, item[1].name)
            )
        ],
    )


def reviews_with_scores() -> Prefetch:
    return Prefetch(
        "reviews",
        queryset=Review.objects.select_related("member").prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion"))
        ),
    )


def may_see_others_scores(*, user: User, reviews: list[Review]) -> bool:
    """A member sees others' scores only after submitting their own; the coordinator always."""
    if has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR):
        return True
    return any(review.member_id == user.pk and review.submitted_at for review in reviews)


def active_criteria() -> QuerySet[Criterion]:
    return Criterion.objects.filter(is_active=True)


# -- conflicts of interest ------------------------------------------------------------------


def conflicted_member() -> QuerySet[ConflictDeclaration]:
    """An active conflict of the outer row's member on the outer row's idea (for Exists)."""
    return ConflictDeclaration.objects.active().filter(
        idea=OuterRef("idea"), member=OuterRef("member")
    )


def member_organisations(user: User) -> list[Partner]:
    return list(Partner.objects.filter(members__member=user).order_by("name"))


def conflict_reasons(
    *, idea: Idea, organisations: list[Partner], suggestions: list[Suggestion] | None = None
) -> list[Partner]:
    """The member's organisations that make a conflict likely: the idea comes from one of them,
    or one of them is among the top suggested partners."""
    if not organisations:
        return []
    idea_org = idea.organisation_name.strip().casefold()
    top = {suggested_partner_id(s) for s in top_suggestions(suggestions)}
    return [
        org
        for org in organisations
        if (idea_org and org.name.strip().casefold() == idea_org) or org.pk in top
    ]


def excluded_members(idea: Idea) -> set[int]:
    """Members with an active conflict, left out of everything that counts the idea's reviews
    (needs `conflicts` prefetched or queries)."""
    return {conflict.member_id for conflict in idea.conflicts.all() if conflict.is_active}
