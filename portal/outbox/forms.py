"""The outbox list's filter: which state of message to show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.outbox.models import MessageState


class MessageFilterForm(forms.Form):
    """Shown with the state in use (the view reads the query string itself, any unknown
    state meaning all), so it is never bound."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *MessageState.choices]
    )
