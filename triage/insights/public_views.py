"""The public map of the county's needs (`needs/`) and its figures as open data (`open-data/`):
anyone may read them, the pages in every language, the data in Swedish."""

import tablib
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from triage.insights import public_figures, public_open_data
from triage.insights.forms import PRESETS, NeedsPeriodForm
from triage.insights.suppression import SMALL_COUNT


def needs_page(request: HttpRequest) -> HttpResponse:
    form = NeedsPeriodForm(request.GET or None)
    period = form.public_period()
    figures = public_figures.needs_figures_kept(period, get_language() or "sv")
    return render(
        request,
        "triage/needs.html",
        {
            "form": form,
            "period": period,
            "presets": PRESETS,
            "figures": figures,
            "small_count": SMALL_COUNT,
        },
    )


def open_data_page(request: HttpRequest) -> HttpResponse:
    """The data card: what the open data hold, column by column, and where to get them."""
    return render(
        request,
        "triage/open_data.html",
        {
            "columns": public_open_data.COLUMNS,
            "licence": settings.OPEN_DATA_LICENCE,
            "licence_uri": public_open_data.licence_uri(),
            "small_count": SMALL_COUNT,
            "years": public_open_data.open_data_years(),
        },
    )


def _download(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    patch_cache_control(response, public=True, max_age=public_figures.PUBLIC_CACHE_SECONDS)
    return response


def open_data_csv(request: HttpRequest) -> HttpResponse:
    data = tablib.Dataset(headers=public_open_data.COLUMNS)
    for row in public_open_data.open_data_rows():
        data.append(["" if value is None else value for value in row.as_dict().values()])
    response = HttpResponse(data.export("csv"), content_type="text/csv; charset=utf-8")
    return _download(response, "idelotsen-ideer.csv")


def open_data_json(request: HttpRequest) -> HttpResponse:
    body = {
        "licence": public_open_data.licence_uri(),
        "columns": public_open_data.COLUMNS,
        "rows": [row.as_dict() for row in public_open_data.open_data_rows()],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return _download(response, "idelotsen-ideer.json")


def open_data_catalogue(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        public_open_data.dcat_catalogue(),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False},
    )
    return _download(response, "catalog.jsonld")
