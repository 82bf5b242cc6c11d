"""The public map of the county's needs: where the period's ideas came from, their themes, the
share from rural areas and what came of them, anonymised for anyone to read.

Counted: every idea sent in the period, except those the owner withdrew or erased (an idea is
stored only once it is sent: drafts and spam never become ideas). Every count under 3 is
published as "fewer than 3", and more are hidden where the total would give one back
(`triage.insights.suppression`). Of single ideas only those whose owner said yes to a public
listing appear, by title, municipality and themes: never who sent them, nor their status.

Each figure is one aggregate query, a fixed number whatever the number of ideas; the page keeps
them until an idea changes (`PUBLIC_MARKS`) or for `PUBLIC_CACHE_SECONDS`.

Known limit: the protection holds within one period. Two periods that differ by a few days can
still be subtracted from each other (Laxå 6 up to 1 July, 5 up to 30 June); closing that would
take coarser periods or rounded counts, a choice for the partnership.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas import workflow
from ideas.models import Idea, Municipality, Theme
from ideas.selectors import ideas_listed_publicly
from portal.cache import Mark, data_marks, remember
from triage.insights.suppression import Figure, Protected, protect, small_counts
from triage.insights.tilemap import TILE_POSITIONS

# A new idea, and any change to one (status, public listing, erasure all move `updated_at`).
PUBLIC_MARKS: list[Mark] = [(Idea, "MAX", "updated_at"), (Idea, "COUNT", "id")]
PUBLIC_CACHE_SECONDS = 5 * 60
# The newest ideas listed by title; the page says when there are more.
LISTED_LIMIT = 50
# What came of the ideas: every status but withdrawn, in one group each, in the order of the flow.
OUTCOMES = [
    (
        "considered",
        _("Being considered"),
        (
            workflow.Status.RECEIVED,
            workflow.Status.SCREENING,
            workflow.Status.IN_REVIEW,
            workflow.Status.NEEDS_INFORMATION,
            workflow.Status.ON_HOLD,
        ),
    ),
    ("referred", _("Referred to partners"), (workflow.Status.REFERRED,)),
    ("in_support", _("In support from a partner"), (workflow.Status.IN_SUPPORT,)),
    ("closed", _("Closed after support"), (workflow.Status.CLOSED,)),
    ("declined", _("Not taken further"), (workflow.Status.DECLINED,)),
]
SHADES = 5  # tile shades: 0 for a hidden count, 1 (fewest) to 4 (most)
# Where a name may break in a narrow tile (a soft hyphen between the parts of the name), so that
# a phone shows "Ljusnars-berg", not "Ljusnarsber-g"; the table keeps the names whole.
TILE_NAMES = {
    "1814": "Leke\u00adberg",
    "1861": "Halls\u00adberg",
    "1862": "Deger\u00adfors",
    "1863": "Hälle\u00adfors",
    "1864": "Ljusnars\u00adberg",
    "1882": "Asker\u00adsund",
    "1883": "Karls\u00adkoga",
    "1885": "Lindes\u00adberg",
}


@dataclass(frozen=True)
class PublicPeriod:
    """The ideas sent from `start` to `end`, both days included; None is open-ended."""

    preset: str
    start: date | None
    end: date | None

    @classmethod
    def of(cls, preset: str, today: date | None = None) -> "PublicPeriod":
        today = today or timezone.localdate()
        if preset == "this_year":
            return cls(preset, date(today.year, 1, 1), today)
        if preset == "all":
            return cls(preset, None, None)
        return cls("last_12_months", today - timedelta(days=365), today)

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        zone = timezone.get_current_timezone()
        since = datetime.combine(self.start, time.min, zone) if self.start else None
        before = (
            datetime.combine(self.end + timedelta(days=1), time.min, zone) if self.end else None
        )
        return since, before

    def ideas(self, prefix: str = "") -> Q:
        """The ideas the public figures count, as a filter (on a relation through `prefix`)."""
        since, before = self.bounds()
        q = Q(**{f"{prefix}anonymised_at__isnull": True}) & ~Q(
            **{f"{prefix}status": workflow.Status.WITHDRAWN}
        )
        if since is not None:
            q &= Q(**{f"{prefix}created_at__gte": since})
        if before is not None:
            q &= Q(**{f"{prefix}created_at__lt": before})
        return q


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    figure: Figure
    # On the tile map (None for the whole county): column and row from 1, and the shade.
    column: int | None = None
    row: int | None = None
    shade: int = 0

    @property
    def tile_name(self) -> str:
        return TILE_NAMES.get(self.code, self.name)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    figure: Figure


@dataclass(frozen=True)
class ListedIdea:
    title: str
    municipality: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class NeedsFigures:
    total: Figure
    places: list[Place]
    themes: list[Line]
    rural: list[Line]
    rural_share: float | None
    outcomes: list[Line]
    listed: list[ListedIdea]
    more_listed: bool
    withheld: frozenset[str]

    @property
    def tiles(self) -> list[Place]:
        return [place for place in self.places if place.column is not None]


def shade(figure: Figure, top: int) -> int:
    """A shown count's step on the colour scale, 1 to 4 of the largest shown count; 0 hidden."""
    if not figure.shown or top <= 0:
        return 0
    return 1 + min(SHADES - 2, (figure.value * (SHADES - 1) - 1) // top)


def needs_figures(period: PublicPeriod) -> NeedsFigures:
    """Every figure of the public page for the period, small counts protected."""
    in_period = period.ideas()
    municipalities = list(
        Municipality.objects.annotate(n=Count("ideas", filter=period.ideas("ideas__"))).order_by(
            "is_whole_county", "name"
        )
    )
    totals = Idea.objects.filter(in_period).aggregate(
        total=Count("pk"),
        rural=Count("pk", filter=Q(is_rural=True)),
        **{key: Count("pk", filter=Q(status__in=states)) for key, _label, states in OUTCOMES},
    )
    themes = list(
        Theme.objects.annotate(n=Count("ideas", filter=period.ideas("ideas__"))).order_by(
            "order", "name_sv"
        )
    )
    since, before = period.bounds()
    listed = ideas_listed_publicly(since=since, before=before, limit=LISTED_LIMIT + 1)
    more_listed = len(listed) > LISTED_LIMIT
    listed = listed[:LISTED_LIMIT]

    total = totals["total"]
    listed_here: dict[str, int] = {}
    for idea in listed:
        listed_here[idea.municipality.code] = listed_here.get(idea.municipality.code, 0) + 1
    protected: Protected = protect(
        {
            "municipality": {m.code: m.n for m in municipalities},
            "rural": {"rural": totals["rural"], "not_rural": total - totals["rural"]},
            "outcome": {key: totals[key] for key, _label, _states in OUTCOMES},
        },
        total=total,
        listed={"municipality": listed_here},
    )
    by_code = protected.rows.get("municipality", {})
    top = max((f.value for c, f in by_code.items() if f.shown and c in TILE_POSITIONS), default=0)
    places = []
    for municipality in municipalities:
        figure = by_code.get(municipality.code, Figure(municipality.n, shown=False))
        column, row = TILE_POSITIONS.get(municipality.code, (None, None))
        places.append(
            Place(
                code=municipality.code,
                name=str(municipality),
                figure=figure,
                column=None if column is None else column + 1,
                row=None if row is None else row + 1,
                shade=shade(figure, top) if column is not None else 0,
            )
        )
    rural = protected.rows.get("rural", {})
    rural_lines = [
        Line(key, str(label), rural[key])
        for key, label in (("rural", _("Rural areas")), ("not_rural", _("Towns and cities")))
        if key in rural
    ]
    rural_share = (
        rural["rural"].value / total
        if rural and rural["rural"].shown and protected.total.shown and total
        else None
    )
    outcome = protected.rows.get("outcome", {})
    theme_figures = small_counts({theme.slug: theme.n for theme in themes})
    return NeedsFigures(
        total=protected.total,
        places=places,
        themes=[Line(theme.slug, theme.name, theme_figures[theme.slug]) for theme in themes],
        rural=rural_lines,
        rural_share=rural_share,
        outcomes=[
            Line(key, str(label), outcome[key]) for key, label, _states in OUTCOMES if outcome
        ],
        listed=[
            ListedIdea(
                title=idea.title,
                municipality=str(idea.municipality),
                themes=tuple(theme.name for theme in idea.themes),
            )
            for idea in listed
        ],
        more_listed=more_listed,
        withheld=protected.withheld,
    )


def needs_figures_kept(period: PublicPeriod, language: str) -> NeedsFigures:
    """The figures, counted once per change of the ideas (or every few minutes) and language."""
    return remember(
        "public:needs",
        version=(data_marks(PUBLIC_MARKS), period, language),
        compute=lambda: needs_figures(period),
        timeout=PUBLIC_CACHE_SECONDS,
    )
