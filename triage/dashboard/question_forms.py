"""The coordinator's forms for the idea form's questions and the calls for ideas: a wording,
help text and choices in each language of the portal (Swedish and English required, the
others fall back to them). Validation only; ideas/questions.py stores."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ideas.forms import OneLine, Text
from ideas.models import CallForIdeas, FormQuestion, FormQuestionVersion, QuestionKind, Theme
from ideas.questions import QUESTION_LANGUAGES, REQUIRED_LANGUAGES

MAX_CHOICES = 12


class DateInput(forms.DateInput):
    """A date picker; a sent value that is no date is not shown again (it would not be valid
    HTML in a date field): the field's error says what to write."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


def suffix(code: str) -> str:
    """A language code as part of a field name: "sv-easy" -> "sv_easy"."""
    return code.replace("-", "_")


def language_name(code: str, *, in_sentence: bool = True) -> str:
    """A language's name in the page's language; inside a Swedish sentence in lower case
    ("Skriv frågan på svenska"), as Swedish writes language names."""
    name = str(dict(settings.LANGUAGES).get(code, code))
    if in_sentence and (get_language() or "").startswith("sv"):
        return name[:1].lower() + name[1:]
    return name


def choice_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class QuestionForm(forms.Form):
    """A question: its kind, whether it is required, its call, and its texts per language."""

    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    required = forms.BooleanField(label=_("The question must be answered"), required=False)
    call = forms.ModelChoiceField(
        label=_("Call for ideas"),
        queryset=CallForIdeas.objects.all(),
        required=False,
        empty_label=_("Every idea, whatever the call"),
        help_text=_("A call's questions are asked only while the call is open."),
    )

    def __init__(
        self,
        *args: Any,
        question: FormQuestion | None = None,
        version: FormQuestionVersion | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        for code in QUESTION_LANGUAGES:
            name = language_name(code)
            needed = code in REQUIRED_LANGUAGES
            fallback = language_name("sv" if code == "sv-easy" else "en")
            self.fields[f"wording_{suffix(code)}"] = OneLine(
                label=_("The question in %(language)s") % {"language": name},
                max_length=300,
                required=needed,
                help_text=""
                if needed
                else _("Optional. Without it, the form asks it in %(fallback)s.")
                % {"fallback": fallback},
            )
            self.fields[f"help_text_{suffix(code)}"] = Text(
                label=_("Help text in %(language)s") % {"language": name},
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"choices_{suffix(code)}"] = Text(
                label=_("Choices in %(language)s, one a line") % {"language": name},
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Only for a choice: the same choices in the same order in every language."
                ),
            )
        for code in REQUIRED_LANGUAGES:
            self.fields[f"wording_{suffix(code)}"].error_messages["required"] = _(
                "Write the question in %(language)s."
            ) % {"language": language_name(code)}
        if question is not None:
            # An answer stores a choice's number: a question keeps its kind for good.
            self.fields["kind"].disabled = True
            self.initial.update(
                {"kind": question.kind, "required": question.required, "call": question.call_id}
            )
        if version is not None:
            for code, part in version.texts.items():
                self.initial[f"wording_{suffix(code)}"] = part.get("wording", "")
                self.initial[f"help_text_{suffix(code)}"] = part.get("help_text", "")
                self.initial[f"choices_{suffix(code)}"] = "\n".join(part.get("choices", []))

    def language_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """The texts' fields by language, for the template: (code, name, fields)."""
        return [
            (
                code,
                language_name(code, in_sentence=False),
                [self[f"{part}_{suffix(code)}"] for part in ("wording", "help_text", "choices")],
            )
            for code in QUESTION_LANGUAGES
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("kind") != QuestionKind.CHOICE:
            return cleaned
        counts = {}
        for code in QUESTION_LANGUAGES:
            name = f"choices_{suffix(code)}"
            lines = choice_lines(cleaned.get(name) or "")
            if code in REQUIRED_LANGUAGES and len(lines) < 2:
                self.add_error(
                    name,
                    ValidationError(
                        _("Write at least two choices in %(language)s, one a line.")
                        % {"language": language_name(code)},
                        code="too_few_choices",
                    ),
                )
            elif len(lines) > MAX_CHOICES:
                self.add_error(
                    name,
                    ValidationError(
                        _("Give at most %(count)d choices.") % {"count": MAX_CHOICES},
                        code="too_many_choices",
                    ),
                )
            if lines:
                counts[code] = len(lines)
        first = counts.get("sv")
        for code, count in counts.items():
            if first and count != first and f"choices_{suffix(code)}" not in self.errors:
                self.add_error(
                    f"choices_{suffix(code)}",
                    ValidationError(
                        _("Give as many choices as in Swedish (%(count)d), in the same order.")
                        % {"count": first},
                        code="choice_count",
                    ),
                )
        return cleaned

    def texts(self) -> dict[str, dict[str, Any]]:
        """The texts of a valid form, by language, as a question version keeps them."""
        kind = self.cleaned_data.get("kind") or (self.question.kind if self.question else "")
        texts = {}
        for code in QUESTION_LANGUAGES:
            wording = self.cleaned_data.get(f"wording_{suffix(code)}") or ""
            help_text = (self.cleaned_data.get(f"help_text_{suffix(code)}") or "").strip()
            choices = (
                choice_lines(self.cleaned_data.get(f"choices_{suffix(code)}") or "")
                if kind == QuestionKind.CHOICE
                else []
            )
            if wording or help_text or choices:
                texts[code] = {"wording": wording, "help_text": help_text, "choices": choices}
        return texts


class QuestionMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class CallForm(forms.Form):
    """A call for ideas: its title in each language, its theme and its period."""

    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("No theme"),
    )
    opens_on = forms.DateField(label=_("Opens"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes"), widget=DateInput())

    def __init__(self, *args: Any, call: CallForIdeas | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = {}
        for code in QUESTION_LANGUAGES:
            needed = code in REQUIRED_LANGUAGES
            field = OneLine(
                label=_("Title in %(language)s") % {"language": language_name(code)},
                max_length=200,
                required=needed,
            )
            if needed:
                field.error_messages["required"] = _("Write the title in %(language)s.") % {
                    "language": language_name(code)
                }
            titles[f"title_{suffix(code)}"] = field
        # The titles first, then theme and period.
        self.fields = {**titles, **self.fields}
        if call is not None:
            self.initial.update(
                {
                    "theme": call.theme_id,
                    "opens_on": call.opens_on,
                    "closes_on": call.closes_on,
                    **{f"title_{suffix(code)}": text for code, text in call.title.items()},
                }
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                ValidationError(
                    _("The call must close on or after the day it opens."), code="closes_first"
                ),
            )
        return cleaned

    def apply(self, call: CallForIdeas) -> CallForIdeas:
        """Put the valid form's values on `call` (not saved)."""
        call.title = {
            code: self.cleaned_data[f"title_{suffix(code)}"]
            for code in QUESTION_LANGUAGES
            if self.cleaned_data.get(f"title_{suffix(code)}")
        }
        call.theme = self.cleaned_data["theme"]
        call.opens_on = self.cleaned_data["opens_on"]
        call.closes_on = self.cleaned_data["closes_on"]
        return call
