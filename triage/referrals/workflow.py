"""The life of a referral as a table: its states, the moves between them and who may make each.

Staff see `staff_label`, the partner `partner_label`, the idea's owner `owner_label`. Nothing
but `triage.referrals.services.referral_transition` changes a referral's state: it asks `check`
first with the actor (a partner's contact, the coordinator or the system) and writes a
`ReferralEvent`.

An idea's status follows its referrals (`idea_follows`): a partner at work takes a referred idea
to "in support"; when no referral is open any more, support finished by at least one partner
closes the idea, and otherwise (every partner declined, or the referrals were cancelled or
expired) it goes back to the committee's review.

The groups of states (`OPEN_STATES`, `ANSWERED_STATES`, `ACCEPTED_STATES`, ...) live here only;
the `Referral` model carries them for the queries that count referrals. `partners`, which never
imports triage, gets the numbers from `triage.referrals.registry_activity`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.workflow import Status
from portal.domain import DomainError
from portal.roles import COORDINATING, SYSTEM_ROLE, Actor, Role, user_roles


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent, waiting for an answer")
    QUESTION = "question", _("The partner has a question")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_SUPPORT = "in_support", _("Support under way")
    SUPPORT_FINISHED = "support_finished", _("Support finished")
    CANCELLED = "cancelled", _("Cancelled by the committee")
    EXPIRED = "expired", _("Expired without an answer")


# What the partner's contact reads on the partner pages.
PARTNER_LABELS = {
    ReferralState.SENT: _("Waiting for your answer"),
    ReferralState.QUESTION: _("You have asked a question"),
    ReferralState.ACCEPTED: _("You have accepted"),
    ReferralState.DECLINED: _("You have declined"),
    ReferralState.IN_SUPPORT: _("Your support is under way"),
    ReferralState.SUPPORT_FINISHED: _("Your support is finished"),
    ReferralState.CANCELLED: _("The committee has withdrawn the request"),
    ReferralState.EXPIRED: _("Expired without an answer"),
}

# What the idea's owner reads of each partner that got the idea.
OWNER_LABELS = {
    ReferralState.SENT: _("Has your idea and will answer"),
    ReferralState.QUESTION: _("Has your idea and will answer"),
    ReferralState.ACCEPTED: _("Has said yes to supporting your idea"),
    ReferralState.DECLINED: _("Cannot help this time"),
    ReferralState.IN_SUPPORT: _("Is supporting your idea"),
    ReferralState.SUPPORT_FINISHED: _("Has finished its support"),
    ReferralState.CANCELLED: _("No longer has your idea"),
    ReferralState.EXPIRED: _("Did not answer"),
}

PARTNER = (Role.PARTNER_CONTACT,)
SYSTEM = (SYSTEM_ROLE,)

# The partner has not answered yet: an answer link works in these states only.
AWAITING_ANSWER = frozenset({ReferralState.SENT, ReferralState.QUESTION})
# The partner is supporting the idea.
AT_WORK = frozenset({ReferralState.ACCEPTED, ReferralState.IN_SUPPORT})
# The referral still holds the idea at the partner: it counts against the partner's capacity.
OPEN_STATES = AWAITING_ANSWER | AT_WORK
# The partner has answered (for acceptance rates).
ANSWERED_STATES = frozenset(
    {
        ReferralState.ACCEPTED,
        ReferralState.DECLINED,
        ReferralState.IN_SUPPORT,
        ReferralState.SUPPORT_FINISHED,
    }
)
# The partner said yes.
ACCEPTED_STATES = frozenset(
    {
        ReferralState.ACCEPTED,
        ReferralState.IN_SUPPORT,
        ReferralState.SUPPORT_FINISHED,
    }
)
FINAL_STATES = frozenset(set(ReferralState) - OPEN_STATES)


@dataclass(frozen=True)
class Move:
    """One move. `needs_reason`: a text is required (the partner's reason or question, the
    coordinator's reason to cancel). `tell_owner`: the idea's owner gets a mail about it."""

    source: ReferralState
    target: ReferralState
    allowed: tuple[str, ...]
    needs_reason: bool = False
    tell_owner: bool = False


MOVES: tuple[Move, ...] = (
    Move(ReferralState.SENT, ReferralState.ACCEPTED, PARTNER, tell_owner=True),
    Move(ReferralState.SENT, ReferralState.DECLINED, PARTNER, needs_reason=True),
    Move(ReferralState.SENT, ReferralState.QUESTION, PARTNER, needs_reason=True),
    Move(ReferralState.QUESTION, ReferralState.QUESTION, PARTNER, needs_reason=True),
    Move(ReferralState.QUESTION, ReferralState.ACCEPTED, PARTNER, tell_owner=True),
    Move(ReferralState.QUESTION, ReferralState.DECLINED, PARTNER, needs_reason=True),
    Move(ReferralState.ACCEPTED, ReferralState.IN_SUPPORT, PARTNER),
    Move(ReferralState.ACCEPTED, ReferralState.SUPPORT_FINISHED, PARTNER),
    Move(ReferralState.IN_SUPPORT, ReferralState.SUPPORT_FINISHED, PARTNER),
    *(
        # The portal cancels too, when the idea's owner withdraws the idea.
        Move(source, ReferralState.CANCELLED, (*COORDINATING, SYSTEM_ROLE), needs_reason=True)
        for source in (
            ReferralState.SENT,
            ReferralState.QUESTION,
            ReferralState.ACCEPTED,
            ReferralState.IN_SUPPORT,
        )
    ),
    Move(ReferralState.SENT, ReferralState.EXPIRED, SYSTEM),
    Move(ReferralState.QUESTION, ReferralState.EXPIRED, SYSTEM),
)

_BY_PAIR = {(move.source, move.target): move for move in MOVES}


class ReferralMoveNotAllowed(DomainError):
    """The move is not in the table, or the actor may not make it."""


def staff_label(state: str) -> str:
    return str(ReferralState(state).label)


def partner_label(state: str) -> str:
    return str(PARTNER_LABELS[ReferralState(state)])


def owner_label(state: str) -> str:
    return str(OWNER_LABELS[ReferralState(state)])


def find(source: str, target: str) -> Move | None:
    return _BY_PAIR.get((ReferralState(source), ReferralState(target)))


def may(move: Move, actor: Actor) -> bool:
    return bool(user_roles(actor) & set(move.allowed))


def next_states(source: str, actor: Actor) -> list[ReferralState]:
    """List the states the actor may move a referral to from `source`."""
    return [move.target for move in MOVES if move.source == source and may(move, actor)]


def check(source: str, target: str, actor: Actor, reason: str = "") -> Move:
    """Return the move, or raise `ReferralMoveNotAllowed` saying why it cannot be made."""
    move = find(source, target)
    if move is None:
        raise ReferralMoveNotAllowed(
            _("A referral cannot go from “%(source)s” to “%(target)s”.")
            % {"source": staff_label(source), "target": staff_label(target)}
        )
    if not may(move, actor):
        raise ReferralMoveNotAllowed(
            _("You may not move a referral to “%(target)s”.") % {"target": staff_label(target)}
        )
    if move.needs_reason and not reason.strip():
        raise ReferralMoveNotAllowed(
            _("Write why: a referral goes to “%(target)s” only with a reason.")
            % {"target": staff_label(target)}
        )
    return move


def idea_follows(idea_status: str, states: Iterable[str]) -> Status | None:
    """The status an idea moves to after its referrals changed, or None when it stays.

    While a referral is open, a partner at work takes a referred idea to "in support". When no
    referral is open any more: support finished by any partner closes the idea; otherwise every
    partner declined (or the referrals were cancelled or expired) and the idea goes back to the
    committee's review.
    """
    states = {ReferralState(state) for state in states}
    if not states:
        return None
    if states & OPEN_STATES:
        if idea_status == Status.REFERRED and states & AT_WORK:
            return Status.IN_SUPPORT
        return None
    if ReferralState.SUPPORT_FINISHED in states:
        return Status.CLOSED if idea_status in (Status.REFERRED, Status.IN_SUPPORT) else None
    return Status.IN_REVIEW if idea_status in (Status.REFERRED, Status.IN_SUPPORT) else None
