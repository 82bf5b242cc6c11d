from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityReportForm(forms.Form):
    """A problem with accessibility that a visitor reports to the partnership."""

    page = forms.CharField(
        label=_("Which page or part of the portal?"),
        max_length=300,
        required=False,
        help_text=_("For example the address of the page, or “the idea form”."),
    )
    description = forms.CharField(
        label=_("What did not work?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tell us what you tried to do and what happened."),
        error_messages={"required": _("Write what did not work.")},
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("If you want an answer. We use it only to answer you."),
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_description(self) -> str:
        return self.cleaned_data["description"].replace("\x00", "")
