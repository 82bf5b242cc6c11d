"""What the owners answered in the follow-up survey, per partner and per theme: how many answers
and their mean rating (1–5). A group with fewer than SMALL_GROUP answers shows neither, so that
no single owner's answer can be read off."""

from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext as _

from ideas.models import Theme
from triage.insights.statistics import Period
from triage.referrals.follow_up import FollowUpSurvey

SMALL_GROUP = 3


@dataclass(frozen=True)
class FollowUpGroup:
    label: str
    answers: int | None  # None: fewer than SMALL_GROUP, suppressed
    mean_rating: float | None

    @property
    def suppressed(self) -> bool:
        return self.answers is None

    @property
    def answers_display(self) -> str:
        if self.answers is None:
            return _("fewer than %(count)d") % {"count": SMALL_GROUP}
        return str(self.answers)

    @property
    def mean_display(self) -> str:
        return "–" if self.mean_rating is None else f"{self.mean_rating:.1f}"


@dataclass(frozen=True)
class FollowUpFigures:
    by_partner: list[FollowUpGroup]
    by_theme: list[FollowUpGroup]
    small_group: int = SMALL_GROUP

    @property
    def tables(self) -> list[tuple[str, str, list[FollowUpGroup]]]:
        """The page's two tables: key, caption, groups."""
        return [
            ("partners", _("Per partner"), self.by_partner),
            ("themes", _("Per theme"), self.by_theme),
        ]


def _group(label: str, answers: int, mean: float | None) -> FollowUpGroup:
    if answers < SMALL_GROUP:
        return FollowUpGroup(label=label, answers=None, mean_rating=None)
    return FollowUpGroup(label=label, answers=answers, mean_rating=mean)


def answered_in(period: Period) -> QuerySet[FollowUpSurvey]:
    start, end = period.bounds()
    return FollowUpSurvey.objects.filter(
        answered_at__gte=start, answered_at__lt=end, rating__isnull=False
    )


def follow_up_figures(period: Period) -> FollowUpFigures:
    """The survey answers given in the period, per partner and per theme (an idea with two
    themes counts under each); small groups suppressed. Three queries, whatever the data."""
    partners = (
        answered_in(period)
        .values("referral__partner__name")
        .annotate(n=Count("pk"), mean=Avg("rating"))
        .order_by("referral__partner__name")
    )
    per_theme = {
        row["referral__idea__themes"]: row
        for row in answered_in(period)
        .exclude(referral__idea__themes=None)
        .values("referral__idea__themes")
        .annotate(n=Count("pk", distinct=True), mean=Avg("rating"))
        .order_by()
    }
    themes = Theme.objects.filter(pk__in=per_theme)  # in the vocabulary's order
    return FollowUpFigures(
        by_partner=[
            _group(row["referral__partner__name"], row["n"], row["mean"]) for row in partners
        ],
        by_theme=[
            _group(theme.name, per_theme[theme.pk]["n"], per_theme[theme.pk]["mean"])
            for theme in themes
        ],
    )
