"""The dashboard's batch actions on the ideas ticked in the list. Each goes through the
workflow's own service once per idea (its audit row, and its mail to the owner in the owner's
language through the outbox), each idea in its own transaction: one refusal does not stop or
undo the others, and the result says which ideas were done and why the others were not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_transition
from portal.domain import DomainError
from portal.roles import Actor
from triage.review.message_templates import message_text_fill
from triage.review.models import ConflictDeclaration
from triage.review.services import REVIEWABLE_STATES, reviewers_assign

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class BatchResult:
    done: list[Idea] = field(default_factory=list)
    refused: list[tuple[Idea, str]] = field(default_factory=list)
    # Assigning reviewers: how many assignments are new, and the members left out of an idea.
    created: int = 0
    left_out: list[tuple[Idea, str]] = field(default_factory=list)


def _each(ideas: list[Idea], do: Callable[[Idea], object]) -> BatchResult:
    result = BatchResult()
    for idea in ideas:
        try:
            do(idea)
        except DomainError as error:
            result.refused.append((idea, str(error)))
        else:
            result.done.append(idea)
    return result


def ideas_start_screening(*, ideas: list[Idea], actor: Actor) -> BatchResult:
    """Move each idea to screening through the workflow; one refusal does not stop the rest."""
    return _each(
        ideas, lambda idea: idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=actor)
    )


def ideas_start_review(*, ideas: list[Idea], actor: Actor) -> BatchResult:
    """Move each idea to review through the workflow (the coordinator's move)."""
    return _each(
        ideas, lambda idea: idea_transition(idea=idea, to=workflow.Status.IN_REVIEW, actor=actor)
    )


class NoMessageInLanguage(DomainError):
    """The batch has no message for an owner's language."""


def ideas_decline(*, ideas: list[Idea], texts: Mapping[str, str], actor: Actor) -> BatchResult:
    """Decline each idea with the message for its owner's language (`texts`: language to a
    template's text, as the coordinator edited it), its placeholders filled with that idea's
    title and municipality; each owner gets their own mail, in their own language."""

    def decline(idea: Idea) -> None:
        text = texts.get(idea.language, "")
        if not text.strip():
            raise NoMessageInLanguage(
                _("There is no message in the owner's language (%(language)s).")
                % {"language": idea.get_language_display()}
            )
        idea_transition(
            idea=idea,
            to=workflow.Status.DECLINED,
            actor=actor,
            message_to_owner=message_text_fill(text, idea, idea.language),
        )

    return _each(ideas, decline)


# Reviewers are assigned to an idea that is new or being reviewed, never to one the committee
# is done with.
ASSIGNABLE_STATES = REVIEWABLE_STATES | {workflow.Status.RECEIVED}


def _name(member: User) -> str:
    return member.get_full_name() or member.get_username()


def ideas_assign_reviewers(*, ideas: list[Idea], members: list[User], actor: User) -> BatchResult:
    """Ask the members to review each idea; a member who has declared a conflict of interest on
    an idea is left out of it, and an idea the committee is done with gets no reviewers."""
    result = BatchResult()
    conflicted = set(
        ConflictDeclaration.objects.active()
        .filter(idea__in=ideas, member__in=members)
        .values_list("idea_id", "member_id")
    )
    for idea in ideas:
        if idea.status not in ASSIGNABLE_STATES:
            result.refused.append(
                (
                    idea,
                    _("Its status is “%(status)s”: reviewers are not assigned now.")
                    % {"status": workflow.staff_label(idea.status)},
                )
            )
            continue
        free = [member for member in members if (idea.pk, member.pk) not in conflicted]
        for member in members:
            if member not in free:
                result.left_out.append(
                    (
                        idea,
                        _("%(name)s has declared a conflict of interest and is not assigned.")
                        % {"name": _name(member)},
                    )
                )
        if free:
            result.created += reviewers_assign(ideas=[idea], members=free, actor=actor)
            result.done.append(idea)
    return result
