"""Figures for the partnership: where ideas come from and what becomes of them.

Every figure is an aggregate query the database computes (the themes' counts beside the themes,
two); no idea is read into Python. A period's ideas are counted from the index
`ideas_idea_period` where the figure needs nothing else of them. The page keeps its figures
until the data they count changes (`data_version`, portal.cache), so a committee that reads it
again and again pays for counting once. The tile map draws these figures (`tilemap.py`); the
open data is `open_data.py`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from ideas import workflow
from ideas.models import Channel, Idea, IdeaEvent, Municipality, Theme
from partners.models import Partner
from portal.cache import Mark, data_marks
from portal.sql import DaysBetween, medians
from triage.referrals.follow_up import FollowUpSurvey
from triage.referrals.models import Referral, ReferralEvent

# What the figures count; any new row moves one of these marks (portal.cache.data_marks): a new
# idea, a status change (each writes an IdeaEvent), a referral and each move of one, a new
# partner, an owner's follow-up answer (answered once) and a survey gone. Other edits (a renamed
# theme, a partner switched off, an idea moved elsewhere) show within STATISTICS_CACHE_SECONDS.
STATISTICS_MARKS: list[Mark] = [
    (Idea, "MAX", "id"),
    (IdeaEvent, "MAX", "id"),
    (Referral, "MAX", "id"),
    (ReferralEvent, "MAX", "id"),
    (Partner, "MAX", "id"),
    (FollowUpSurvey, "MAX", "answered_at"),
    (FollowUpSurvey, "COUNT", "id"),
]
STATISTICS_CACHE_SECONDS = 5 * 60

DECISION_STATES = [workflow.Status.REFERRED, workflow.Status.DECLINED, workflow.Status.ON_HOLD]


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=365), end=today)

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, zone),
            datetime.combine(self.end + timedelta(days=1), time.min, zone),
        )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    share: float  # of the largest value, 0..1, for the bar's length
    display: str


def data_version() -> tuple:
    """The marks of everything the statistics count, and the day (a period ends today)."""
    return (*data_marks(STATISTICS_MARKS), timezone.localdate())


def ideas_in(period: Period) -> QuerySet[Idea]:
    start, end = period.bounds()
    return Idea.objects.filter(created_at__gte=start, created_at__lt=end)


def bars(rows: list[tuple[str, float]], *, percent: bool = False) -> list[Bar]:
    top = max((value for _label, value in rows), default=0) or 1
    return [
        Bar(
            label=label,
            value=value,
            share=value / top,
            display=f"{value:.0%}" if percent else f"{value:g}",
        )
        for label, value in rows
    ]


def ideas_by_municipality(period: Period) -> list[tuple[Municipality, int, float | None]]:
    """Each municipality with its ideas in the period and the ideas per 10,000 inhabitants."""
    counts = dict(
        ideas_in(period).values_list("municipality__code").annotate(n=Count("pk")).order_by()
    )
    rows = []
    for municipality in Municipality.objects.order_by("code"):
        count = counts.get(municipality.code, 0)
        per_10k = count * 10_000 / municipality.population if municipality.population else None
        rows.append((municipality, count, per_10k))
    return rows


def ideas_by_theme(period: Period) -> list[Bar]:
    """Every theme with its ideas of the period, the most first (then in the themes' order).

    Counted over the theme links of the period's ideas only, then put beside the themes: one
    grouped query over every link, with the period inside the count, took three times as long
    at 100,000 ideas."""
    start, end = period.bounds()
    counts = dict(
        Idea.themes.through.objects.filter(idea__created_at__gte=start, idea__created_at__lt=end)
        .values_list("theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    themes = sorted(Theme.objects.all(), key=lambda theme: (-counts.get(theme.pk, 0), theme.order))
    return bars([(theme.name, counts.get(theme.pk, 0)) for theme in themes])


def ideas_by_channel(period: Period) -> list[Bar]:
    counts = dict(ideas_in(period).values_list("channel").annotate(n=Count("pk")).order_by())
    return bars([(str(label), counts.get(value, 0)) for value, label in Channel.choices])


def ideas_by_outreach_event(period: Period) -> list[Bar]:
    rows = (
        ideas_in(period)
        .exclude(outreach_event=None)
        .values_list("outreach_event__name", "outreach_event__date")
        .annotate(n=Count("pk"))
        .order_by("-n", "outreach_event__name")[:20]
    )
    return bars([(f"{name} ({day:%Y-%m-%d})", n) for name, day, n in rows])


def status_funnel(period: Period) -> list[Bar]:
    """How many of the period's ideas ever reached each stage."""
    reached = dict(
        IdeaEvent.objects.filter(idea__in=ideas_in(period))
        .values_list("to_status")
        .annotate(n=Count("idea", distinct=True))
        .order_by()
    )
    return bars([(str(status.label), reached.get(status.value, 0)) for status in workflow.Status])


def summary(period: Period) -> dict:
    """The period's ideas counted, and the median days to the first decision and to referral:
    aggregates the database computes (`portal.sql.medians`: on PostgreSQL both medians in one
    pass), no idea is read into Python."""
    ideas = ideas_in(period)
    totals = ideas.aggregate(total=Count("pk"), rural=Count("pk", filter=Q(is_rural=True)))
    # Only the ideas with a decision and only their decisions' events are joined (the filter
    # before the annotation limits what it counts): the others have no figure for a median.
    timings = ideas.filter(events__to_status__in=DECISION_STATES).annotate(
        days_to_decision=DaysBetween(Min("events__created_at"), "created_at"),
        days_to_referral=DaysBetween(
            Min("events__created_at", filter=Q(events__to_status=workflow.Status.REFERRED)),
            "created_at",
        ),
    )
    found = medians(timings, "days_to_decision", "days_to_referral")
    to_decision, to_referral = found["days_to_decision"], found["days_to_referral"]
    return {
        "total": totals["total"],
        "rural_share": totals["rural"] / totals["total"] if totals["total"] else None,
        "median_days_to_decision": None if to_decision is None else round(to_decision, 1),
        "median_days_to_referral": None if to_referral is None else round(to_referral, 1),
    }


def partner_figures(period: Period) -> QuerySet[Partner]:
    """Each active partner's open referrals now, and its acceptance rate in the period."""
    start, end = period.bounds()
    in_period = Q(referrals__created_at__gte=start, referrals__created_at__lt=end)
    return (
        Partner.objects.filter(is_active=True)
        .annotate(
            open_referrals=Count("referrals", filter=Q(referrals__state__in=Referral.OPEN_STATES)),
            answered=Count(
                "referrals", filter=in_period & Q(referrals__state__in=Referral.ANSWERED_STATES)
            ),
            accepted=Count(
                "referrals", filter=in_period & Q(referrals__state__in=Referral.ACCEPTED_STATES)
            ),
        )
        .order_by("-open_referrals", "name")
    )
