"""What the apps above `ideas` add to an idea's own pages and rules, without `ideas` importing
them (the direction is ideas ← partners ← triage).

`triage` fills these in its `AppConfig.ready`:
- `owner_partner_lines`: who received the idea, when, and what they answered, for the owner's
  tracking page (the referrals live in `triage`, their owner labels in its referral table);
- `before_erasure`: called inside the erasure's transaction while the owner's details are
  still there, so that every partner who got them can be told to delete them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ideas.models import Idea


@dataclass(frozen=True)
class OwnerPartnerLine:
    """One partner that got the idea, as the owner reads it (lazy texts: rendered later)."""

    partner: str
    sent_at: object
    answer: object
    knows_who_you_are: bool


owner_partner_lines: list[Callable[[Idea], list[OwnerPartnerLine]]] = []
before_erasure: list[Callable[[Idea], object]] = []


def partner_lines_for_owner(idea: Idea) -> list[OwnerPartnerLine]:
    return [line for provider in owner_partner_lines for line in provider(idea)]


def erasure_starts(idea: Idea) -> None:
    for callback in before_erasure:
        callback(idea)
