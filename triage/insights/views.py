import tablib
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
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
    # Counting every idea of the period, and drawing the map and charts of it, are the page's
    # cost: both are kept until the data they count changes (portal.cache.remember,
    # statistics.STATISTICS_MARKS), so a request renders only the period form.
    shown = remember(
        # Named apart from the figures alone that an earlier version kept.
        "triage:statistics-shown",
        version=(
            statistics.data_version(),
            period,
            per_inhabitants,
            get_language(),
        ),
        compute=lambda: _figures_shown(period, per_inhabitants=per_inhabitants),
        timeout=statistics.STATISTICS_CACHE_SECONDS,
    )
    return render(
        request,
        "triage/statistics.html",
        {
            "form": form,
            "period": period,
            # The figures as well as their HTML, for whoever reads the page's context.
            **shown["figures"],
            # Our own template, rendered from figures: safe to insert as it is.
            "figures_html": mark_safe(shown["html"]),  # noqa: S308
        },
    )


def _figures_shown(period: statistics.Period, *, per_inhabitants: bool) -> dict:
    """The figures of the page and their HTML (the summary, map, charts, partners and the
    owners' follow-up answers)."""
    figures = {
        **_figures(period, per_inhabitants=per_inhabitants),
        # The owners' follow-up answers (statistics.STATISTICS_MARKS counts them too).
        "follow_up": follow_up.follow_up_figures(period),
    }
    map_width, map_height = tilemap.map_size()
    html = render_to_string(
        "triage/includes/_statistics_figures.html",
        {
            **figures,
            "per_inhabitants": per_inhabitants,
            "map_width": map_width,
            "map_height": map_height,
            "tile_size": tilemap.TILE_SIZE,
        },
    )
    return {"figures": figures, "html": html}


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
