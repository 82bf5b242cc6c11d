import csv

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.roles import COMMITTEE_ROLES, role_required
from portal.spreadsheets import spreadsheet_cell
from triage import statistics


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.ChoiceField(
        label=_("Shade the map by"), required=False,
        choices=[("count", _("number of ideas")), ("per_10k", _("ideas per 10,000 inhabitants"))],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data

    def period(self) -> statistics.Period:
        default = statistics.Period.default()
        if not self.is_valid():
            return default
        return statistics.Period(start=self.cleaned_data.get("start") or default.start,
                                 end=self.cleaned_data.get("end") or default.end)


@role_required(*COMMITTEE_ROLES)
def open_data_csv(request: HttpRequest) -> HttpResponse:
    """Aggregates without any personal data, for publishing as open data."""
    period = PeriodForm(request.GET or None).period()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="idelotsen-open-data-{period.start}-{period.end}.csv"'
    )
    fields = ["month", "municipality_code", "municipality", "theme", "ideas"]
    writer = csv.DictWriter(response, fieldnames=fields)
    writer.writeheader()
    writer.writerows({name: spreadsheet_cell(value) for name, value in row.items()}
                     for row in statistics.open_data_rows(period))
    return response


@role_required(*COMMITTEE_ROLES)
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.period()
    per_inhabitants = form.is_valid() and form.cleaned_data.get("measure") == "per_10k"
    tiles = statistics.municipality_tiles(period, per_inhabitants=per_inhabitants)
    columns = max(column for column, _row in statistics.TILE_POSITIONS.values()) + 1
    rows = max(row for _column, row in statistics.TILE_POSITIONS.values()) + 1
    step = statistics.TILE_SIZE + statistics.TILE_GAP
    return render(request, "triage/statistics.html", {
        "form": form,
        "period": period,
        "per_inhabitants": per_inhabitants,
        "tiles": tiles,
        "map_width": columns * step,
        "map_height": rows * step,
        "tile_size": statistics.TILE_SIZE,
        "quiet": statistics.quietest_municipalities(tiles),
        "summary": statistics.summary(period),
        "charts": [
            ("themes", _("Ideas by theme"), statistics.ideas_by_theme(period)),
            ("channels", _("Ideas by channel"), statistics.ideas_by_channel(period)),
            ("events", _("Ideas by outreach event"), statistics.ideas_by_outreach_event(period)),
            ("funnel", _("How far the ideas have come"), statistics.status_funnel(period)),
        ],
        "partners": statistics.partner_figures(period),
    })
