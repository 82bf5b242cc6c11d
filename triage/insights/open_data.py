"""The statistics as open data: aggregates only, nothing about a person; and the ideas whose
owners said they may be shown publicly, anonymised (no other idea's title is ever published)."""

from django.db.models import Count
from django.db.models.functions import TruncMonth

from ideas.selectors import ideas_listed_publicly
from triage.insights.statistics import Period, ideas_in

# Counts below this are published as "<3" so that no single resident can be picked out.
SMALL_COUNT = 3
FIELDS = ["month", "municipality_code", "municipality", "theme", "ideas"]
LISTED_FIELDS = ["title", "municipality_code", "municipality", "themes", "status"]


def open_data_rows(period: Period) -> list[dict]:
    """Ideas per month, municipality and theme: aggregates only, small counts suppressed."""
    rows = (
        ideas_in(period)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "municipality__code", "municipality__name", "themes__slug")
        .annotate(ideas=Count("pk", distinct=True))
        .order_by("month", "municipality__code", "themes__slug")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "municipality_code": row["municipality__code"],
            "municipality": row["municipality__name"],
            "theme": row["themes__slug"] or "",
            "ideas": str(row["ideas"]) if row["ideas"] >= SMALL_COUNT else f"<{SMALL_COUNT}",
        }
        for row in rows
    ]


def listed_idea_rows() -> list[dict]:
    """The ideas whose owners let them be shown publicly: title, municipality, themes, status."""
    return [
        {
            "title": idea.title,
            "municipality_code": idea.municipality.code,
            "municipality": idea.municipality.name,
            "themes": " ".join(theme.slug for theme in idea.themes),
            "status": idea.status,
        }
        for idea in ideas_listed_publicly()
    ]
