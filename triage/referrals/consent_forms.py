"""Forms of the conversation through the portal: a partner's message to the idea's owner and
the owner's answer on the tracking page. Input checks only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 5000


class PartnerMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message to the idea's owner"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The owner reads it in a mail and on their idea's page, without your address, and "
            "answers here. Only after the owner says yes do you get their contact details."
        ),
        error_messages={"required": _("Write your message.")},
    )


class OwnerReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner gets your answer by email, without your address."),
        error_messages={"required": _("Write your answer.")},
    )
