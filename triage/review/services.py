"""Writes of the committee's review: reviewers, reviews and scores,
conflicts of interest, notes, links between ideas and the criteria. Each is atomic and takes
keyword arguments, never a request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import workflow
from ideas.models import Idea
from portal.domain import DomainError
from portal.roles import Role, user_roles
from triage.review.models import (
    ConflictDeclaration,
    Criterion,
    IdeaLink,
    Note,
    Recommendation,
    Review,
    ReviewAssignment,
    Score,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# An idea can be reviewed while the committee is working on it.
REVIEWABLE_STATES = frozenset(
    {
        workflow.Status.SCREENING,
        workflow.Status.IN_REVIEW,
        workflow.Status.NEEDS_INFORMATION,
        workflow.Status.ON_HOLD,
    }
)


class ReviewError(DomainError):
    """A review that cannot be saved, with a message for the member."""


class NoteError(DomainError):
    """A note or link that cannot be saved."""


@transaction.atomic
def reviewers_assign(*, ideas: list[Idea], members: list[User], actor: User) -> int:
    """Ask members to review the ideas; an existing assignment is kept. Return how many are new."""
    existing = set(
        ReviewAssignment.objects.filter(idea__in=ideas, member__in=members).values_list(
            "idea_id", "member_id"
        )
    )
    new = [
        ReviewAssignment(idea=idea, member=member, assigned_by=actor)
        for idea in ideas
        for member in members
        if (idea.pk, member.pk) not in existing
    ]
    ReviewAssignment.objects.bulk_create(new)
    return len(new)


# Who scores ideas: the committee's members and its chair. The administrator manages the portal
# but does not sit on the committee, so a superuser scores only when one of these groups is
# theirs (a superuser otherwise holds every role).
SCORING_ROLES = (Role.COMMITTEE_MEMBER, Role.COORDINATOR)


def member_may_score(user: User | AnonymousUser | None) -> bool:
    """Tell whether the user sits on the committee and so may score ideas."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return user.groups.filter(name__in=[role.value for role in SCORING_ROLES]).exists()
    return bool(user_roles(user) & set(SCORING_ROLES))


@transaction.atomic
def review_save(
    *,
    idea: Idea,
    member: User,
    scores: Mapping[Criterion, tuple[int | None, str]],
    recommendation: str,
    comment: str = "",
    submit: bool,
) -> Review:
    """Save a member's scores and recommendation; `submit` makes them count and shows the
    member the others' scores. A member with a declared conflict cannot score, and an
    administrator who does not sit on the committee does not score at all."""
    if not member_may_score(member):
        raise ReviewError(_("Only the committee's members score ideas."))
    if ConflictDeclaration.objects.active().filter(idea=idea, member=member).exists():
        raise ReviewError(
            _("You have declared a conflict of interest on this idea, so you cannot score it.")
        )
    if idea.status not in REVIEWABLE_STATES:
        raise ReviewError(
            _("This idea is not being reviewed now (its status is “%(status)s”).")
            % {"status": workflow.staff_label(idea.status)}
        )
    if recommendation and recommendation not in Recommendation.values:
        raise ReviewError(_("Choose a recommendation from the list."))
    if submit and not recommendation:
        raise ReviewError(_("Choose a recommendation before you submit the review."))
    review, _created = Review.objects.select_for_update().get_or_create(idea=idea, member=member)
    review.recommendation = recommendation
    review.comment = comment
    if submit and review.submitted_at is None:
        review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    for criterion, (value, score_comment) in scores.items():
        if value is not None and not 1 <= value <= 5:
            raise ReviewError(_("A score is a whole number from 1 to 5."))
        Score.objects.update_or_create(
            review=review, criterion=criterion, defaults={"value": value, "comment": score_comment}
        )
    return review


class ConflictError(DomainError):
    """A conflict declaration that cannot be withdrawn, with a message for the member."""


@transaction.atomic
def conflict_declare(*, idea: Idea, member: User, reason: str = "") -> ConflictDeclaration:
    """Record that a member has a conflict of interest on an idea; declaring twice keeps the
    first declaration. From now on the member is left out of everything that counts reviews."""
    declaration, _created = ConflictDeclaration.objects.active().get_or_create(
        idea=idea, member=member, defaults={"reason": reason.strip()}
    )
    return declaration


@transaction.atomic
def conflict_withdraw(*, idea: Idea, member: User, actor: User) -> ConflictDeclaration:
    """Withdraw a member's declared conflict; the declaration stays on record with who withdrew
    it and when, and the member counts again as a reviewer of the idea."""
    declaration = (
        ConflictDeclaration.objects.active()
        .select_for_update()
        .filter(idea=idea, member=member)
        .first()
    )
    if declaration is None:
        raise ConflictError(_("You have no declared conflict of interest on this idea."))
    declaration.withdrawn_at = timezone.now()
    declaration.withdrawn_by = actor
    declaration.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return declaration


@transaction.atomic
def note_add(*, idea: Idea, author: User, body: str, parent: Note | None = None) -> Note:
    """Write an internal note on an idea, or a reply to one (replies stay one level deep)."""
    if not body.strip():
        raise NoteError(_("Write something in the note."))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise NoteError(_("That note belongs to another idea."))
        parent = parent.parent or parent
    note = Note(idea=idea, author=author, body=body.strip(), parent=parent)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def ideas_link(*, idea: Idea, other: Idea, actor: User) -> IdeaLink:
    """Mark two ideas as related; linking twice keeps one link."""
    if idea.pk == other.pk:
        raise NoteError(_("An idea cannot be linked to itself."))
    first, second = sorted((idea, other), key=lambda item: item.pk)
    link, _created = IdeaLink.objects.get_or_create(
        first=first, second=second, defaults={"created_by": actor}
    )
    return link


@transaction.atomic
def criterion_save(*, criterion: Criterion) -> Criterion:
    criterion.full_clean()
    criterion.save()
    return criterion
