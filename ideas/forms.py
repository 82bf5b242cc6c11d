from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Municipality, Theme


class IdeaSubmitForm(forms.Form):
    """The resident's idea. Validation only: the service stores it."""

    title = forms.CharField(
        label=_("Give your idea a short name"), max_length=200,
        help_text=_("For example: “A meeting place in the old school in Ramsberg”."),
    )
    description = forms.CharField(
        label=_("Describe your idea"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What do you want to do, and why? Write in your own words."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Where is your idea?"), queryset=Municipality.objects.all(),
        empty_label=_("Choose a municipality"),
        help_text=_("Choose “Whole Örebro County” if the idea concerns the whole county."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("What is your idea about?"), queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple, help_text=_("Choose one or more."),
    )
    submitter_email = forms.EmailField(
        label=_("Your email address"), max_length=254,
        help_text=_("We send you a receipt and a link where you can follow your idea."),
    )
    consent = forms.BooleanField(
        label=_("I agree that Idélotsen stores my idea and my contact details to handle it."),
        help_text=_("Required. You can see and erase your data at any time."),
    )
    share_contact_with_partners = forms.BooleanField(
        label=_("The partners who get my idea may see my contact details and contact me."),
        required=False,
        help_text=_("Optional. Without this, partners reply through Idélotsen."),
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())
