"""Forms of the partner's answer page and the partner pages: input checks only."""
from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import SupportKind
from triage.models import AnswerKind, SupportProgress


class AcceptForm(forms.Form):
    text = forms.CharField(
        label=_("A message to the committee (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the committee reads it."),
    )


class DeclineForm(forms.Form):
    text = forms.CharField(
        label=_("Why do you decline?"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the committee reads it. It helps them find another way for the idea."),
        error_messages={"required": _("Write why you decline.")},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question to the committee"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your question.")},
    )


# One form per answer; each is shown with its kind as prefix, so the ids never clash.
ANSWER_FORMS: dict[str, type[forms.Form]] = {
    AnswerKind.ACCEPT: AcceptForm,
    AnswerKind.DECLINE: DeclineForm,
    AnswerKind.QUESTION: QuestionForm,
}


def answer_forms(data=None) -> dict[str, forms.Form]:
    """The three answer forms; the one whose button was pressed is bound to `data`."""
    chosen = data.get("answer") if data is not None else None
    return {kind: form_class(data if kind == chosen else None, prefix=kind)
            for kind, form_class in ANSWER_FORMS.items()}


class SupportReportForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Kind of support"), queryset=SupportKind.objects.all(),
        error_messages={"required": _("Choose the kind of support.")},
    )
    text = forms.CharField(
        label=_("What have you done? A few words"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write in a few words what support you have given.")},
    )
    progress = forms.ChoiceField(
        label=_("How far has it come?"), choices=SupportProgress.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the support is under way or finished.")},
    )
