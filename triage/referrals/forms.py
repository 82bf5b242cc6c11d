"""Forms of referrals: the committee's referral, withdrawal and reply to a partner, and the
partner's answer page and pages. Input checks only."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from ideas.models import SupportKind
from partners.models import stale_cutoff
from partners.selectors import active_partners
from portal.lookups import PkMultipleChoiceField
from triage.referrals.models import AnswerKind, SupportProgress
from triage.referrals.suggestions import (
    Suggestion,
    suggested_partner,
    suggested_partner_id,
    top_suggestions,
)

# How many ranked suggestions the refer form puts first.
SUGGESTIONS_IN_FORM = 10


class ReferForm(forms.Form):
    partners = PkMultipleChoiceField(
        label=_("Partners"),
        queryset=active_partners(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more partner organisations."),
    )
    note_to_partners = forms.CharField(
        label=_("Note to the partners (only the partners read this)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What do you ask of them? They read this in the referral email; the "
            "idea's owner never sees it."
        ),
    )
    message_to_owner = forms.CharField(
        label=_(
            "Message to the idea's owner (optional; the owner reads this in a mail and on "
            "the tracking page)"
        ),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The owner's mail names the partners the idea went to in any case."),
    )

    def __init__(
        self, *args: Any, suggestions: list[Suggestion] | None = None, **kwargs: Any
    ) -> None:
        """Put the ranked suggestions first, marked as such; any other active partner follows."""
        # The move form on the same page has a message to the owner too: ids of their own.
        kwargs.setdefault("auto_id", "refer_%s")
        super().__init__(*args, **kwargs)
        top = top_suggestions(suggestions, SUGGESTIONS_IN_FORM)
        ranked_ids = [suggested_partner_id(s) for s in top]
        field = cast(PkMultipleChoiceField, self.fields["partners"])
        # Stale entries are never suggested; they can still be chosen, and say why they are not.
        cutoff = stale_cutoff()
        others = (
            active_partners().exclude(pk__in=ranked_ids).values_list("pk", "name", "confirmed_at")
        )
        field.choices = [
            (
                pk,
                _("%(name)s (suggested, %(percent)s%%)")
                % {"name": suggested_partner(s).name, "percent": s.percent},
            )
            for pk, s in zip(ranked_ids, top, strict=True)
        ] + [
            (
                pk,
                _("%(name)s (entry not confirmed since %(date)s)")
                % {"name": name, "date": date_format(localtime(confirmed_at), "SHORT_DATE_FORMAT")}
                if confirmed_at < cutoff
                else name,
            )
            for pk, name, confirmed_at in others
        ]


class ReferralCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the partner reads this in a mail)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartnerReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the partner"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner's contact reads this by email. The idea's owner does not."),
    )


class AcceptForm(forms.Form):
    text = forms.CharField(
        label=_("A message to the committee (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the committee reads it."),
    )


class DeclineForm(forms.Form):
    text = forms.CharField(
        label=_("Why do you decline?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the committee reads it. It helps them find another way for the idea."),
        error_messages={"required": _("Write why you decline.")},
    )
    reason_for_owner = forms.CharField(
        label=_("What we may tell the idea's owner (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The idea's owner reads this on the idea's page, as you write it. Leave it empty and "
            "the owner reads only that you cannot help this time."
        ),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question to the committee"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your question.")},
    )


# One form per answer; each is shown with its kind as prefix, so the ids never clash.
ANSWER_FORMS: dict[str, type[forms.Form]] = {
    AnswerKind.ACCEPT: AcceptForm,
    AnswerKind.DECLINE: DeclineForm,
    AnswerKind.QUESTION: QuestionForm,
}


def answer_forms(data: QueryDict | None = None) -> dict[str, forms.Form]:
    """The three answer forms; the one whose button was pressed is bound to `data`."""
    chosen = data.get("answer") if data is not None else None
    return {
        kind: form_class(data if kind == chosen else None, prefix=kind)
        for kind, form_class in ANSWER_FORMS.items()
    }


class SupportReportForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Kind of support"),
        queryset=SupportKind.objects.all(),
        error_messages={"required": _("Choose the kind of support.")},
    )
    text = forms.CharField(
        label=_("What have you done? A few words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write in a few words what support you have given.")},
    )
    progress = forms.ChoiceField(
        label=_("How far has it come?"),
        choices=SupportProgress.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the support is under way or finished.")},
    )
