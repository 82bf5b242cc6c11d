"""The dashboard's batch forms: an action on the ideas ticked in the list, and declining several
ideas with a template (a page of its own, with the message per owner's language)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from triage.review.fields import FastSelect
from triage.review.forms import MemberChoiceField
from triage.review.message_templates import (
    TEXT_FIELDS,
    MessageTemplate,
    TemplateKind,
    allowed_placeholders,
    unknown_placeholders,
)
from triage.review.selectors import committee_members


class BatchForm(forms.Form):
    SCREENING = "screening"
    REVIEW = "review"
    DECLINE = "decline"
    ASSIGN = "assign"
    # Only the coordinator may choose these; a committee member moves ideas to screening only.
    COORDINATOR_ACTIONS = (REVIEW, DECLINE, ASSIGN)

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
            (REVIEW, _("Move to review")),
            (DECLINE, _("Decline with a template…")),
            (ASSIGN, _("Assign reviewers")),
        ],
    )
    reviewers = MemberChoiceField(
        label=_("Reviewers"),
        queryset=committee_members(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only needed when you assign reviewers."),
    )

    def __init__(self, *args: Any, coordinating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not coordinating:
            # What a committee member is shown; a sent coordinator's action is refused (403)
            # by the view, not turned into a form error.
            action = self.fields["action"]
            assert isinstance(action, forms.ChoiceField)
            action.choices = [(self.SCREENING, _("Move to screening"))]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == self.ASSIGN and not data.get("reviewers"):
            self.add_error("reviewers", _("Choose at least one reviewer."))
        return data


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class BatchDeclineForm(forms.Form):
    """Decline the ticked ideas with a template. The message is shown and edited once per
    language the owners read (`languages`): an edit to the Swedish text reaches every owner who
    reads Swedish, and no one else. Each owner then gets it with their own idea's title and
    municipality in place of the placeholders."""

    ideas = forms.ModelMultipleChoiceField(
        label=_("Ideas"),
        queryset=Idea.objects.all(),
        to_field_name="reference",
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Select at least one idea in the list.")},
    )
    template = forms.TypedChoiceField(
        label=_("Template for the reason"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _("That template does not exist or is retired. Choose another one."),
        },
    )

    def __init__(
        self,
        *args: Any,
        templates: list[MessageTemplate],
        languages: list[str],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "decline_%s")
        super().__init__(*args, **kwargs)
        self.templates = {template.pk: template for template in templates}
        self.languages = languages
        field = self.fields["template"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a template"))] + [
            (template.pk, template.title) for template in templates
        ]
        placeholders = ", ".join(f"{{{name}}}" for name in allowed_placeholders("decline"))
        for language in languages:
            rtl = language == "ar"
            self.fields[self.text_field(language)] = forms.CharField(
                label=_("Message to the owners (%(language)s)")
                % {"language": language_name(language)},
                max_length=5000,
                required=False,
                widget=forms.Textarea(
                    attrs={
                        "rows": 4,
                        "lang": language[:2],
                        "dir": "rtl" if rtl else "ltr",
                    }
                ),
                help_text=_(
                    "Each owner gets their own idea's %(placeholders)s in place of the "
                    "placeholders. An edit here reaches only the owners who read this language."
                )
                % {"placeholders": placeholders},
            )

    @staticmethod
    def text_field(language: str) -> str:
        return TEXT_FIELDS[language]

    def chosen(self) -> MessageTemplate | None:
        pk = self.cleaned_data.get("template")
        return self.templates.get(pk) if pk else None

    def texts(self) -> dict[str, str]:
        """The message per owner's language, as the coordinator left it."""
        return {
            language: self.cleaned_data.get(self.text_field(language), "")
            for language in self.languages
        }

    def check_for_sending(self) -> bool:
        """Every language has a message with only known placeholders; errors at the fields."""
        for language in self.languages:
            name = self.text_field(language)
            text = self.cleaned_data.get(name, "")
            if not text.strip():
                self.add_error(
                    name,
                    _("Write the message to the owners (%(language)s).")
                    % {"language": language_name(language)},
                )
                continue
            unknown = unknown_placeholders(text, TemplateKind.DECLINE)
            if unknown:
                self.add_error(
                    name,
                    _(
                        "Unknown placeholder: %(unknown)s. Use only %(allowed)s, or remove the "
                        "braces."
                    )
                    % {
                        "unknown": ", ".join(f"{{{n}}}" for n in unknown),
                        "allowed": ", ".join(
                            f"{{{n}}}" for n in allowed_placeholders(TemplateKind.DECLINE)
                        ),
                    },
                )
        return not self.errors
