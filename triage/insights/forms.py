from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from triage.insights.public_figures import PublicPeriod
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


# The public map's dates: typed as text (a page that gives back what was typed stays valid
# HTML, which a date field holding garbage would not), from 2000 to 2100.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
PRESETS = [
    ("last_12_months", _("The last 12 months")),
    ("this_year", _("This year")),
    ("all", _("All ideas")),
]


# Eastern Arabic and Persian digits, as an Arabic keyboard types them, read as 0-9.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


class TypedDateField(forms.DateField):
    """A date typed as text, in any digits."""

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, str):
            value = value.translate(_DIGITS)
        return super().to_python(value)


class NeedsPeriodForm(forms.Form):
    """The public map's period: a preset (a link sets it) or dates typed in."""

    # Set by the preset links, never typed: an unknown value gives the default period.
    period = forms.CharField(required=False, max_length=20)
    start = TypedDateField(
        label=_("From"),
        required=False,
        help_text=_("Year-month-day, for example 2026-01-31."),
        # Year-month-day reads left to right on a right-to-left page too.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )
    end = TypedDateField(
        label=_("To"),
        required=False,
        help_text=_("Year-month-day, for example 2026-12-31."),
        # Year-month-day reads left to right on a right-to-left page too.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a date from 2000-01-01 to 2100-12-31."))
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data

    def public_period(self) -> PublicPeriod:
        """The period asked for; the last 12 months when nothing (or nothing valid) was."""
        if not self.is_valid():
            return PublicPeriod.of("last_12_months")
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start or end:
            return PublicPeriod("dates", start, end)
        return PublicPeriod.of(self.cleaned_data.get("period") or "last_12_months")
