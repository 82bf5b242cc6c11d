"""What the apps above `ideas` add to an idea's own pages and rules, without `ideas` importing
them (the direction is ideas ← partners ← triage).

`triage` fills these in its `AppConfig.ready`:
- `owner_partner_lines`: who received the idea, when, what they got and what they answered and
  reported, for the owner's ledger (tracking page and "my data"). The referrals live in `triage`;
  the lines carry codes (states, answers, progress, what the partner may know), and `ideas`'
  templates put them in the owner's words, so that the ideas catalogues translate them;
- `tracking_page_context`: more of the tracking page's context (the owner's decisions, partner
  by partner, on sharing name and contact details, and the messages relayed with partners,
  rendered by templates/ideas/includes/_partner_consent.html);
- `before_erasure`: called inside the erasure's transaction while the owner's details are
  still there, so that every partner who got them can be told to delete them, and each app
  can erase the copies it keeps (`ideas.erasure.owner_pattern` finds every form of them);
- `after_withdrawal`: called inside the withdrawal's transaction once the idea is withdrawn,
  so that every partner at work on it is told and its open referrals are closed;
- `after_owner_told`: called inside a move's transaction once the owner's status mail is
  queued (idea, from, to), so that the owners of ideas handled together with it are told too;
- `before_move`: called before a move is checked (idea, actor); may raise
  `ideas.workflow.TransitionNotAllowed` (staff do not move a merged idea on its own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ideas.models import Idea
    from portal.roles import Actor

# What a partner got of the owner (`OwnerPartnerLine.received`): the level of triage's
# `what_partner_may_know`, the one function that decides.
RECEIVED_IDEA_ONLY = "nothing"
RECEIVED_ORGANISATION = "organisation"
RECEIVED_CONTACT = "contact"

# What happened on a referral, besides answers and support (`OwnerEvent.what`).
EVENT_CANCELLED = "cancelled"
EVENT_EXPIRED = "expired"
EVENT_TOLD_TO_DELETE = "told_to_delete"
# The owner's decisions on sharing name and contact details with the partner (its records).
EVENT_CONSENT_GIVEN = "consent_given"
EVENT_CONSENT_REFUSED = "consent_refused"
EVENT_CONSENT_WITHDRAWN = "consent_withdrawn"

# Who a mail went to (`OwnerMail.recipient`): never their address.
TO_YOU = "you"
TO_PARTNER = "partner"
TO_COMMITTEE = "committee"


@dataclass(frozen=True)
class OwnerAnswer:
    """A partner's answer, as the owner may read it: its kind ("accept", "decline",
    "question") and, for a decline, the reason written for the owner. Never the committee's
    text."""

    at: datetime
    kind: str
    reason_for_owner: str = ""

    @property
    def entry(self) -> str:
        """Which of the ledger's entries this is, for the template."""
        return "answer"


@dataclass(frozen=True)
class OwnerSupport:
    """Support a partner reported: the kind (its name), the progress code, when."""

    at: datetime
    kind: str
    progress: str

    @property
    def entry(self) -> str:
        """Which of the ledger's entries this is, for the template."""
        return "support"


@dataclass(frozen=True)
class OwnerEvent:
    """Something else that happened on a referral (`EVENT_*`), and when."""

    at: datetime
    what: str

    @property
    def entry(self) -> str:
        """Which of the ledger's entries this is, for the template."""
        return "event"


@dataclass(frozen=True)
class OwnerMail:
    """A mail about the idea: when, to whom (`TO_*`, not the address), its subject, its state
    and the language it is written in."""

    at: datetime
    recipient: str
    subject: str
    state: str = ""
    language: str = ""


@dataclass(frozen=True)
class OwnerPartnerLine:
    """One partner that got the idea, as the owner reads it.

    `answer` is the referral table's owner label (lazy); `state`, `received` and the kinds of
    the tuples are codes that the ideas templates word for the owner.
    """

    partner: str
    sent_at: datetime
    answer: object
    knows_who_you_are: bool
    state: str = ""
    received: str = RECEIVED_IDEA_ONLY
    answers: tuple[OwnerAnswer, ...] = ()
    support: tuple[OwnerSupport, ...] = ()
    events: tuple[OwnerEvent, ...] = ()
    mails: tuple[OwnerMail, ...] = ()

    @property
    def entries(self) -> list[OwnerAnswer | OwnerSupport | OwnerEvent]:
        """The answers, support reports and other events, oldest first (for the ledger)."""
        return sorted([*self.answers, *self.support, *self.events], key=lambda entry: entry.at)


owner_partner_lines: list[Callable[[Idea], list[OwnerPartnerLine]]] = []
before_erasure: list[Callable[[Idea], object]] = []
after_withdrawal: list[Callable[[Idea], object]] = []
tracking_page_context: list[Callable[[Idea, HttpRequest], dict[str, object]]] = []
after_owner_told: list[Callable[[Idea, str, str], object]] = []
before_move: list[Callable[[Idea, Actor], object]] = []


def partner_lines_for_owner(idea: Idea) -> list[OwnerPartnerLine]:
    return [line for provider in owner_partner_lines for line in provider(idea)]


def erasure_starts(idea: Idea) -> None:
    for callback in before_erasure:
        callback(idea)


def withdrawal_done(idea: Idea) -> None:
    for callback in after_withdrawal:
        callback(idea)


def tracking_page_extras(idea: Idea, request: HttpRequest) -> dict[str, object]:
    extras: dict[str, object] = {}
    for provider in tracking_page_context:
        extras.update(provider(idea, request))
    return extras


def owner_told(idea: Idea, source: str, target: str) -> None:
    for callback in after_owner_told:
        callback(idea, source, target)


def move_starts(idea: Idea, actor: Actor) -> None:
    for callback in before_move:
        callback(idea, actor)
