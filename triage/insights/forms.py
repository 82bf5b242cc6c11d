from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from triage.insights.statistics import Period


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    measure = forms.ChoiceField(
        label=_("Shade the map by"),
        required=False,
        choices=[("count", _("number of ideas")), ("per_10k", _("ideas per 10,000 inhabitants"))],
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data

    def period(self) -> Period:
        default = Period.default()
        if not self.is_valid():
            return default
        return Period(
            start=self.cleaned_data.get("start") or default.start,
            end=self.cleaned_data.get("end") or default.end,
        )
