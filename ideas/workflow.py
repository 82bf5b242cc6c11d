"""The life of an idea as a table: its states, the moves between them and who may make each.

Staff see `staff_label`; the resident sees `public_label` on the tracking page and in mails.
Nothing but `ideas.services` changes an idea's status, and it asks `check` first with the actor:
the actor's roles come from `portal.roles.user_roles(actor)`, never from the caller.

A move marked `via_referral` is made only by referring the idea to partners
(`triage.referrals.services.idea_refer` through `ideas.services.idea_mark_referred`), never by
the plain move: an idea is "referred" only when a partner really got it. Moves allowed to SYSTEM
are the idea following its referrals (`triage.referrals.workflow.idea_follows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.domain import DomainError
from portal.roles import COORDINATING, RESIDENT_ROLE, SYSTEM_ROLE, Actor, Role, user_roles

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    SCREENING = "screening", _("Screening")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_INFORMATION = "needs_information", _("Needs information")
    REFERRED = "referred", _("Referred")
    DECLINED = "declined", _("Declined")
    ON_HOLD = "on_hold", _("On hold")
    IN_SUPPORT = "in_support", _("In support")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PUBLIC_LABELS = {
    Status.RECEIVED: _("We have received your idea"),
    Status.SCREENING: _("Your idea is being read"),
    Status.IN_REVIEW: _("The committee is assessing your idea"),
    Status.NEEDS_INFORMATION: _("We have a question for you"),
    Status.REFERRED: _("Your idea has been sent on to partners who can help"),
    Status.DECLINED: _("We cannot help with this idea"),
    Status.ON_HOLD: _("Your idea is waiting for a decision"),
    Status.IN_SUPPORT: _("You are getting support"),
    Status.CLOSED: _("Finished"),
    Status.WITHDRAWN: _("You have withdrawn your idea"),
}

# What the resident may do next, said in every status mail (lazy: rendered in the idea's
# language by the outbox, whoever makes the move).
NEXT_STEPS = {
    Status.RECEIVED: _(
        "You need not do anything now: we will write to you when something happens."
    ),
    Status.SCREENING: _(
        "You need not do anything now: we will write to you when something happens."
    ),
    Status.IN_REVIEW: _(
        "You need not do anything now: we will write to you when the committee has decided."
    ),
    Status.NEEDS_INFORMATION: _("Please answer our question on your idea's page."),
    Status.REFERRED: _(
        "You need not do anything now: we will write to you when a partner answers."
    ),
    Status.DECLINED: _(
        "You can still read your idea and its history on its page, and download "
        "or erase your data there."
    ),
    Status.ON_HOLD: _(
        "You need not do anything now: we will write to you when the committee has decided."
    ),
    Status.IN_SUPPORT: _("The partner that supports you will keep in touch with you."),
    Status.CLOSED: _(
        "Thank you. You can read your idea and its history on its page, and "
        "download or erase your data there."
    ),
    Status.WITHDRAWN: _(
        "You need not do anything more. You can download or erase your data on your idea's page."
    ),
}

# The resident moves an idea only through the tracking page, never as a staff role.
RESIDENT = RESIDENT_ROLE
# The portal moves an idea when it follows its referrals (a partner's answer or report).
SYSTEM = SYSTEM_ROLE
REVIEWING = (Role.COMMITTEE_MEMBER, Role.COORDINATOR, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Transition:
    """One move. `tell_resident`: the owner gets a mail and sees it in the history.
    `needs_reason`: the move needs a message to the owner (the owner reads it).
    `via_referral`: only a real referral makes the move, never the plain move."""

    source: Status
    target: Status
    allowed: tuple[str, ...]
    tell_resident: bool
    needs_reason: bool = False
    via_referral: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.RECEIVED, Status.SCREENING, REVIEWING, tell_resident=True),
    Transition(Status.SCREENING, Status.IN_REVIEW, COORDINATING, tell_resident=True),
    Transition(Status.SCREENING, Status.DECLINED, COORDINATING, True, needs_reason=True),
    Transition(Status.SCREENING, Status.NEEDS_INFORMATION, COORDINATING, True, needs_reason=True),
    Transition(Status.IN_REVIEW, Status.NEEDS_INFORMATION, COORDINATING, True, needs_reason=True),
    Transition(Status.NEEDS_INFORMATION, Status.IN_REVIEW, (RESIDENT, *COORDINATING), True),
    Transition(Status.IN_REVIEW, Status.REFERRED, COORDINATING, True, via_referral=True),
    Transition(Status.IN_REVIEW, Status.DECLINED, COORDINATING, True, needs_reason=True),
    Transition(Status.IN_REVIEW, Status.ON_HOLD, COORDINATING, tell_resident=True),
    Transition(Status.ON_HOLD, Status.IN_REVIEW, COORDINATING, tell_resident=True),
    Transition(Status.ON_HOLD, Status.REFERRED, COORDINATING, True, via_referral=True),
    Transition(Status.ON_HOLD, Status.DECLINED, COORDINATING, True, needs_reason=True),
    # The last open referral declined (or cancelled, or expired) brings the idea back to the
    # committee's queue; the owner is not told (nothing changes for them yet).
    Transition(Status.REFERRED, Status.IN_REVIEW, (SYSTEM, *COORDINATING), tell_resident=False),
    Transition(Status.IN_SUPPORT, Status.IN_REVIEW, (SYSTEM,), tell_resident=False),
    # A partner at work, then every partner finished: the idea follows its referrals.
    Transition(Status.REFERRED, Status.IN_SUPPORT, (SYSTEM,), tell_resident=True),
    Transition(Status.REFERRED, Status.CLOSED, (SYSTEM,), tell_resident=True),
    Transition(Status.IN_SUPPORT, Status.CLOSED, (SYSTEM, *COORDINATING), tell_resident=True),
    *(
        Transition(source, Status.WITHDRAWN, (RESIDENT,), tell_resident=True)
        for source in (
            Status.RECEIVED,
            Status.SCREENING,
            Status.IN_REVIEW,
            Status.NEEDS_INFORMATION,
            Status.REFERRED,
            Status.ON_HOLD,
            Status.IN_SUPPORT,
        )
    ),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}
FINAL_STATES = frozenset({Status.DECLINED, Status.CLOSED, Status.WITHDRAWN})
OPEN_STATES = frozenset(set(Status) - FINAL_STATES)


class TransitionNotAllowed(DomainError):
    """The move is not in the table, or the actor may not make it."""


def public_label(status: str) -> str:
    """The resident's words for a status, as text in the active language (for pages)."""
    return str(PUBLIC_LABELS[Status(status)])


def public_label_lazy(status: str) -> StrPromise:
    """The resident's words for a status, still lazy: for a mail rendered in the idea's
    language later (the outbox), never turned into text in the actor's language first."""
    return PUBLIC_LABELS[Status(status)]


def staff_label(status: str) -> str:
    return str(Status(status).label)


def find(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((Status(source), Status(target)))


def may(transition: Transition, actor: Actor) -> bool:
    """Tell whether the actor holds one of the roles the move allows."""
    return bool(user_roles(actor) & set(transition.allowed))


def next_states(source: str, actor: Actor) -> list[Status]:
    """List the states the actor may move an idea to from `source` with the plain move."""
    return [
        t.target for t in TRANSITIONS if t.source == source and not t.via_referral and may(t, actor)
    ]


def may_refer(source: str, actor: Actor) -> bool:
    """Tell whether the actor may refer an idea in `source` to partners."""
    transition = find(source, Status.REFERRED)
    return transition is not None and may(transition, actor)


def check(
    source: str,
    target: str,
    actor: Actor,
    message_to_owner: str = "",
    *,
    via_referral: bool = False,
) -> Transition:
    """Return the transition, or raise `TransitionNotAllowed` saying why it cannot be made."""
    transition = find(source, target)
    if transition is None:
        raise TransitionNotAllowed(
            _("An idea cannot go from “%(source)s” to “%(target)s”.")
            % {"source": staff_label(source), "target": staff_label(target)}
        )
    if not may(transition, actor):
        raise TransitionNotAllowed(
            _("You may not move an idea to “%(target)s”.") % {"target": staff_label(target)}
        )
    if transition.via_referral and not via_referral:
        raise TransitionNotAllowed(
            _(
                "An idea is “%(target)s” only when it is referred to partners: use “Refer to "
                "partners” on the idea's page."
            )
            % {"target": staff_label(target)}
        )
    if transition.needs_reason and not message_to_owner.strip():
        raise TransitionNotAllowed(
            _(
                "Write a message to the idea's owner: the owner reads it in a mail and on the "
                "tracking page when the idea goes to “%(target)s”."
            )
            % {"target": staff_label(target)}
        )
    return transition
