"""What `triage` adds to the partner registry's pages, without `partners` importing it (the
direction is ideas ← partners ← triage).

A partner's referrals live in `triage`, and so do the groups of their states. The registry's
pages ask `referral_activity` for what the referrals add (a partner's load, its answers, the
referrals still open); `triage` replaces it with its own in its `AppConfig.ready`. The default
here is a registry without referrals. Read it as `hooks.referral_activity` when it is needed,
not imported by name, so that the replacement is the one asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import IntegerField, QuerySet, Value

if TYPE_CHECKING:
    from partners.models import Partner
    from portal.cache import Mark


@dataclass(frozen=True)
class PartnerStats:
    """A partner's load and how it has answered referrals."""

    open_referrals: int
    capacity: int
    accepted: int
    answered: int

    @property
    def acceptance_rate(self) -> int | None:
        """Accepted referrals as a percentage of answered ones; None before the first answer."""
        return round(100 * self.accepted / self.answered) if self.answered else None

    @property
    def load_percent(self) -> int:
        if not self.capacity:
            return 100
        return min(100, round(100 * self.open_referrals / self.capacity))

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.open_referrals)

    @property
    def at_capacity(self) -> bool:
        return self.free_places == 0


@dataclass(frozen=True)
class OpenReferral:
    """One referral still open at a partner, as the partner's registry page lists it."""

    reference: str
    title: str
    municipality: str
    state: str
    sent_at: datetime
    url: str
    language: str = ""  # the idea's: its title carries it on the page


class ReferralActivity:
    """What a partner's referrals add to its registry pages; this one knows of none."""

    def with_open_referrals(self, partners: QuerySet[Partner]) -> QuerySet[Partner]:
        """The partners, each annotated with `open_referrals`: the referrals it still holds."""
        return partners.annotate(open_referrals=Value(0, output_field=IntegerField()))

    def stats(self, partner: Partner) -> PartnerStats:
        return PartnerStats(open_referrals=0, capacity=partner.places, accepted=0, answered=0)

    def open_referrals(self, partner: Partner) -> list[OpenReferral]:
        """The partner's referrals still open, oldest first."""
        return []

    def marks(self) -> list[Mark]:
        """The marks (`portal.cache.data_marks`) that move when a referral is made, changes
        state or is removed: what a kept registry page must be counted afresh after."""
        return []


referral_activity: ReferralActivity = ReferralActivity()
