import tablib
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.cache import remember
from portal.roles import COMMITTEE_ROLES, role_required
from portal.spreadsheets import spreadsheet_response
from triage.insights import follow_up, open_data, statistics, tilemap
from triage.insights.forms import PeriodForm


@role_required(*COMMITTEE_ROLES)
def open_data_csv(request: HttpRequest) -> HttpResponse:
    """Aggregates without any personal data, for publishing as open data."""
    period = PeriodForm(request.GET or None).period()
    data = tablib.Dataset(headers=open_data.FIELDS)
    for row in open_data.open_data_rows(period):
        data.append([row[name] for name in open_data.FIELDS])
    # Open data is read by programs: plain UTF-8, no byte order mark.
    return spreadsheet_response(
        data,
        file_format="csv",
        bom=False,
        filename=f"idelotsen-open-data-{period.start}-{period.end}",
    )


@role_required(*COMMITTEE_ROLES)
def open_data_listed_csv(request: HttpRequest) -> HttpResponse:
    """The ideas whose owners let them be shown publicly, anonymised, for publishing."""
    data = tablib.Dataset(headers=open_data.LISTED_FIELDS)
    for row in open_data.listed_idea_rows():
        data.append([row[name] for name in open_data.LISTED_FIELDS])
    return spreadsheet_response(
        data, file_format="csv", bom=False, filename="idelotsen-open-data-listed-ideas"
    )


@role_required(*COMMITTEE_ROLES)
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.period()
    per_inhabitants = form.is_valid() and form.cleaned_data.get("measure") == "per_10k"
    # Counting every idea of the period is the page's cost: the figures are kept until the data
    # they count changes (portal.cache.remember, statistics.STATISTICS_MARKS).
    figures = remember(
        "triage:statistics",
        version=(
            statistics.data_version(),
            period,
            per_inhabitants,
            get_language(),
        ),
        compute=lambda: _figures(period, per_inhabitants=per_inhabitants),
        timeout=statistics.STATISTICS_CACHE_SECONDS,
    )
    map_width, map_height = tilemap.map_size()
    return render(
        request,
        "triage/statistics.html",
        {
            "form": form,
            "period": period,
            "per_inhabitants": per_inhabitants,
            "map_width": map_width,
            "map_height": map_height,
            "tile_size": tilemap.TILE_SIZE,
            **figures,
            # The owners' follow-up answers: few rows, counted each time (not kept).
            "follow_up": follow_up.follow_up_figures(period),
        },
    )


def _figures(period: statistics.Period, *, per_inhabitants: bool) -> dict:
    """Every figure of the statistics page, as plain values the cache can keep."""
    tiles = tilemap.municipality_tiles(period, per_inhabitants=per_inhabitants)
    return {
        "tiles": tiles,
        "quiet": tilemap.quietest_municipalities(tiles),
        "summary": statistics.summary(period),
        "charts": [
            ("themes", _("Ideas by theme"), statistics.ideas_by_theme(period)),
            ("channels", _("Ideas by channel"), statistics.ideas_by_channel(period)),
            (
                "events",
                _("Ideas by outreach event"),
                statistics.ideas_by_outreach_event(period),
            ),
            ("funnel", _("How far the ideas have come"), statistics.status_funnel(period)),
        ],
        "partners": list(statistics.partner_figures(period)),
    }
