"""Who may do and see what on the committee's pages: one function per question, asked by the
idea's page, the meeting agenda and the views alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ideas.models import Idea
from portal.roles import COORDINATING, has_role
from triage.referrals.models import AnswerKind, Referral
from triage.review.models import Review
from triage.review.selectors import may_see_others_scores
from triage.review.services import REVIEWABLE_STATES, member_may_score

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def is_coordinating(user: User) -> bool:
    """Tell whether the user is the committee's coordinator (or an administrator)."""
    return has_role(user, *COORDINATING)


def may_score_idea(user: User, idea: Idea, *, declared_conflict: bool) -> bool:
    """A seat on the committee, no declared conflict, and an idea the committee is reviewing."""
    return member_may_score(user) and not declared_conflict and idea.status in REVIEWABLE_STATES


def sees_others_scores(user: User, reviews: list[Review], *, declared_conflict: bool) -> bool:
    """Others' scores show once one's own review is in (to the coordinator always); a member
    who stood aside has no own review to wait for, and sees none unless coordinating."""
    return may_see_others_scores(user=user, reviews=reviews) and (
        not declared_conflict or is_coordinating(user)
    )


def may_reply_to_partner(user: User, referral: Referral) -> bool:
    """The coordinator answers a partner who asked the committee a question on the referral
    (needs the referral's `answers` prefetched)."""
    asked = any(answer.kind == AnswerKind.QUESTION for answer in referral.answers.all())
    return asked and is_coordinating(user)
