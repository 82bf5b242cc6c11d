"""The public map of the county's needs (`needs/`): anyone may read it, in every language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from triage.insights import public_figures
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
