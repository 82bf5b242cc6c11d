"""The dashboard's batch form: an action on the ideas ticked in the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from triage.review.fields import FastSelect, FastSelectMultiple
from triage.review.forms import MemberChoiceField
from triage.review.selectors import committee_members


class BatchForm(forms.Form):
    SCREENING = "screening"
    ASSIGN = "assign"

    ideas = forms.ModelMultipleChoiceField(
        label=_("Ideas"),
        queryset=Idea.objects.all(),
        to_field_name="reference",
        error_messages={"required": _("Select at least one idea in the list.")},
    )
    action = forms.ChoiceField(
        label=_("Action"),
        widget=FastSelect,
        choices=[
            (SCREENING, _("Move to screening")),
            (ASSIGN, _("Assign reviewers")),
        ],
    )
    reviewers = MemberChoiceField(
        label=_("Reviewers"),
        queryset=committee_members(),
        required=False,
        widget=FastSelectMultiple(attrs={"size": 4}),
        help_text=_("Only needed when you assign reviewers."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == self.ASSIGN and not data.get("reviewers"):
            self.add_error("reviewers", _("Choose at least one reviewer."))
        return data
