from django import forms
from django.utils.translation import gettext_lazy as _

from partners.selectors import active_partners


class ReferForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=active_partners(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more partner organisations."),
    )
    note = forms.CharField(
        label=_("Note to the partners"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What do you ask of them? They read this in the referral email."),
    )


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason or note"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
