"""The committee's meeting agenda: the ideas whose reviews are all in, what each member may see
of their scores (a member who has not scored sees only how many have: no anchoring), and the
agenda as a spreadsheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import tablib
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Idea, IdeaQuestion
from ideas.workflow import Status
from portal.spreadsheets import spreadsheet_response
from triage.referrals.suggestions import (
    Suggestion,
    partner_suggestions_for_ideas,
    suggested_partner,
    top_suggestions,
)
from triage.review import rules
from triage.review.models import (
    ConflictDeclaration,
    Criterion,
    Recommendation,
    Review,
    ReviewAssignment,
)
from triage.review.selectors import (
    Aggregate,
    aggregate,
    conflicted_member,
    excluded_members,
    reviews_with_scores,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# How many of the ranked partner suggestions the agenda names for each idea.
AGENDA_SUGGESTIONS = 3


def all_reviews_in() -> Q:
    """The condition that an idea has reviewers and all their reviews are in (members with a
    conflict excepted): the idea is ready for the meeting."""
    assigned = ReviewAssignment.objects.filter(idea=OuterRef("pk"))
    pending = assigned.exclude(
        Exists(
            Review.objects.filter(
                idea=OuterRef("idea"), member=OuterRef("member"), submitted_at__isnull=False
            )
        )
    ).exclude(Exists(conflicted_member()))
    return Q(Exists(assigned)) & ~Q(Exists(pending))


def meeting_agenda() -> QuerySet[Idea]:
    """Ideas in review whose assigned reviews are all in (members with a conflict excepted)."""
    return (
        Idea.objects.filter(status=Status.IN_REVIEW)
        .filter(all_reviews_in())
        .select_related("municipality")
        .prefetch_related(*agenda_prefetches())
        .order_by("created_at")
    )


def agenda_prefetches() -> tuple[str | Prefetch, ...]:
    """What an agenda shows of each idea, read once for all its ideas: themes and kinds of
    support (the matching's too), reviews with scores, active conflicts with their members, and
    the questions asked."""
    return (
        "themes",
        "support_wanted",
        reviews_with_scores(),
        Prefetch(
            "conflicts",
            queryset=ConflictDeclaration.objects.active()
            .select_related("member")
            .only(
                "idea",
                "withdrawn_at",
                "member__username",
                "member__first_name",
                "member__last_name",
            ),
        ),
        Prefetch("questions", queryset=IdeaQuestion.objects.select_related("asked_by")),
    )


def agenda_rows(user: User) -> list[dict]:
    """The agenda as this user may read it: scores and recommendations hidden until the user's
    own review is in, and from a member who declared a conflict (the coordinator sees them).

    A fixed number of queries whatever the number of ideas: the agenda with its prefetches,
    and the matching of all its ideas at once (`partner_suggestions_for_ideas`)."""
    ideas = list(meeting_agenda())
    suggestions = partner_suggestions_for_ideas(ideas)
    return [agenda_row(idea, user, suggestions[idea.pk]) for idea in ideas]


def agenda_row(idea: Idea, user: User, suggestions: list[Suggestion]) -> dict:
    """What an agenda shows of one idea to this user (needs `agenda_prefetches`): its scores
    (hidden as `rules.sees_others_scores` says), recommendations, the members absent for a
    declared conflict and the top suggested partners."""
    excluded = excluded_members(idea)
    all_reviews = list(idea.reviews.all())
    reviews = [r for r in all_reviews if r.member_id not in excluded]
    idea_aggregate = aggregate(all_reviews, excluded)
    conflicted = user.pk in excluded
    hidden = not rules.sees_others_scores(user, all_reviews, declared_conflict=conflicted)
    recommendations = {
        value: sum(1 for r in reviews if r.submitted_at and r.recommendation == value)
        for value in Recommendation.values
    }
    return {
        "idea": idea,
        "hidden": hidden,
        "conflicted": conflicted,
        "absent": [conflict.member for conflict in idea.conflicts.all() if conflict.is_active],
        "aggregate": Aggregate(count=idea_aggregate.count) if hidden else idea_aggregate,
        "recommendations": [
            (Recommendation(v).label, None if hidden else n) for v, n in recommendations.items()
        ],
        "suggestions": [
            suggested_partner(s) for s in top_suggestions(suggestions, AGENDA_SUGGESTIONS)
        ],
    }


def agenda_csv(rows: list[dict]) -> HttpResponse:
    """The agenda's rows as a CSV download, a column per criterion."""
    criteria = list(Criterion.objects.all())
    data = tablib.Dataset(
        headers=[
            _("Reference"),
            _("Title"),
            _("Municipality"),
            _("Reviews"),
            _("Weighted mean"),
            _("Spread"),
            *(c.name for c in criteria),
            *(str(label) for label in Recommendation.labels),
            _("Suggested partners"),
        ]
    )
    for row in rows:
        row_aggregate = row["aggregate"]
        by_criterion = {r.criterion.pk: r.mean for r in row_aggregate.per_criterion}
        data.append(
            (
                row["idea"].reference,
                row["idea"].title,
                row["idea"].municipality,
                row_aggregate.count,
                _round(row_aggregate.mean),
                _round(row_aggregate.spread),
                *(_round(by_criterion.get(c.pk)) for c in criteria),
                *(n for _label, n in row["recommendations"]),
                "; ".join(p.name for p in row["suggestions"]),
            )
        )
    return spreadsheet_response(
        data, file_format="csv", filename=f"agenda-{timezone.localdate():%Y-%m-%d}"
    )


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
