"""The life of an idea as a table: its states, the moves between them and who may make each.

Staff see `staff_label`; the resident sees `public_label` on the tracking page and in mails.
Nothing but `ideas.services.idea_transition` changes an idea's status, and it asks `check` first.
"""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.roles import Role


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

# The resident moves an idea only through the tracking page, never as a staff role.
RESIDENT = "resident"
COORDINATING = (Role.COORDINATOR, Role.ADMINISTRATOR)
REVIEWING = (Role.COMMITTEE_MEMBER, Role.COORDINATOR, Role.ADMINISTRATOR)
SUPPORTING = (Role.PARTNER_CONTACT, Role.COORDINATOR, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    allowed: tuple[str, ...]
    tell_resident: bool
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.RECEIVED, Status.SCREENING, REVIEWING, tell_resident=True),
    Transition(Status.SCREENING, Status.IN_REVIEW, COORDINATING, tell_resident=True),
    Transition(Status.SCREENING, Status.DECLINED, COORDINATING, True, needs_reason=True),
    Transition(Status.SCREENING, Status.NEEDS_INFORMATION, COORDINATING, True, needs_reason=True),
    Transition(Status.IN_REVIEW, Status.NEEDS_INFORMATION, COORDINATING, True, needs_reason=True),
    Transition(Status.NEEDS_INFORMATION, Status.IN_REVIEW, (RESIDENT, *COORDINATING), True),
    Transition(Status.IN_REVIEW, Status.REFERRED, COORDINATING, tell_resident=True),
    Transition(Status.IN_REVIEW, Status.DECLINED, COORDINATING, True, needs_reason=True),
    Transition(Status.IN_REVIEW, Status.ON_HOLD, COORDINATING, tell_resident=True),
    Transition(Status.ON_HOLD, Status.IN_REVIEW, COORDINATING, tell_resident=True),
    Transition(Status.ON_HOLD, Status.REFERRED, COORDINATING, tell_resident=True),
    Transition(Status.ON_HOLD, Status.DECLINED, COORDINATING, True, needs_reason=True),
    # A declined referral brings the idea back to the coordinator's queue.
    Transition(Status.REFERRED, Status.IN_REVIEW, COORDINATING, tell_resident=False),
    Transition(Status.REFERRED, Status.IN_SUPPORT, SUPPORTING, tell_resident=True),
    Transition(Status.REFERRED, Status.CLOSED, SUPPORTING, tell_resident=True),
    Transition(Status.IN_SUPPORT, Status.CLOSED, SUPPORTING, tell_resident=True),
    *(
        Transition(source, Status.WITHDRAWN, (RESIDENT,), tell_resident=True)
        for source in (
            Status.RECEIVED, Status.SCREENING, Status.IN_REVIEW, Status.NEEDS_INFORMATION,
            Status.REFERRED, Status.ON_HOLD, Status.IN_SUPPORT,
        )
    ),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}
FINAL_STATES = frozenset({Status.DECLINED, Status.CLOSED, Status.WITHDRAWN})
OPEN_STATES = frozenset(set(Status) - FINAL_STATES)


class TransitionNotAllowed(Exception):
    """The move is not in the table, or the actor may not make it."""


def public_label(status: str) -> str:
    return str(PUBLIC_LABELS[Status(status)])


def staff_label(status: str) -> str:
    return str(Status(status).label)


def find(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((Status(source), Status(target)))


def next_states(source: str, actor_roles: set[str]) -> list[Status]:
    """List the states the actor may move an idea to from `source`."""
    return [
        t.target for t in TRANSITIONS if t.source == source and actor_roles & set(t.allowed)
    ]


def check(source: str, target: str, actor_roles: set[str], reason: str = "") -> Transition:
    """Return the transition, or raise `TransitionNotAllowed` saying why it cannot be made."""
    transition = find(source, target)
    if transition is None:
        raise TransitionNotAllowed(
            _("An idea cannot go from “%(source)s” to “%(target)s”.")
            % {"source": staff_label(source), "target": staff_label(target)}
        )
    if not actor_roles & set(transition.allowed):
        raise TransitionNotAllowed(
            _("You may not move an idea to “%(target)s”.") % {"target": staff_label(target)}
        )
    if transition.needs_reason and not reason.strip():
        raise TransitionNotAllowed(
            _("Write a reason: the resident reads it when the idea goes to “%(target)s”.")
            % {"target": staff_label(target)}
        )
    return transition
