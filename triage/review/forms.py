"""Forms of the committee's idea page and criteria: input checks only."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from ideas import workflow
from ideas.models import Idea
from ideas.selectors import reference_typed
from partners.selectors import active_partners
from portal.lookups import MAX_PK, PkMultipleChoiceField, is_pk
from triage.review.message_templates import MessageTemplate, TemplateKind
from triage.review.models import Criterion, Note, Recommendation, Review
from triage.review.selectors import committee_members

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from portal.roles import Actor

CANNOT_JUDGE = "none"


class MemberChoiceField(PkMultipleChoiceField):
    """Committee members by their full name, the user name only when no name is set."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class TransitionForm(forms.Form):
    """One control to move an idea: the target, a message to the owner, an internal note.

    The targets are the moves the workflow table lets this actor make from the idea's status
    (never "referred": that is the referral form). Where the table needs a reason, the message
    to the owner is required, and the error stands at that field.
    """

    to = forms.ChoiceField(label=_("New status"))
    message_to_owner = forms.CharField(
        label=_(
            "Message to the idea's owner (the owner reads this in a mail and on the tracking page)"
        ),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the idea is declined or the owner is asked something."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (only the committee reads this)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, idea: Idea, actor: Actor, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "move_%s")
        super().__init__(*args, **kwargs)
        self.idea = idea
        # No target is chosen for the user: an empty first choice, and the field is required.
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [("", _("Choose the new status"))] + [
            (state.value, state.label) for state in workflow.next_states(idea.status, actor)
        ]
        self.actor = actor

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        target = data.get("to")
        if target:
            transition = workflow.find(self.idea.status, target)
            if (
                transition
                and transition.needs_reason
                and not data.get("message_to_owner", "").strip()
            ):
                self.add_error(
                    "message_to_owner",
                    _(
                        "Write a message to the idea's owner: the owner reads it in a mail and on "
                        "the tracking page when the idea goes to “%(target)s”."
                    )
                    % {"target": workflow.staff_label(target)},
                )
        return data


class AssignForm(forms.Form):
    reviewers = MemberChoiceField(
        label=_("Reviewers"),
        queryset=committee_members(),
        widget=forms.CheckboxSelectMultiple,
    )


class ReviewForm(forms.Form):
    """A score per active criterion (1–5 or "cannot judge"), a recommendation and a comment."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        widget=forms.RadioSelect,
        choices=Recommendation.choices,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], review: Review | None = None, **kwargs: Any
    ) -> None:
        self.criteria = criteria
        initial = kwargs.setdefault("initial", {})
        if review is not None:
            initial.update(recommendation=review.recommendation, comment=review.comment)
            for score in review.scores.all():
                initial[f"score_{score.criterion_id}"] = (
                    CANNOT_JUDGE if score.value is None else str(score.value)
                )
                initial[f"comment_{score.criterion_id}"] = score.comment
        super().__init__(*args, **kwargs)
        # The scale says which end is best, beside the numbers and in the group's description.
        choices = [
            ("1", _("1 (weakest)")),
            *((str(n), str(n)) for n in range(2, 5)),
            ("5", _("5 (best)")),
            (CANNOT_JUDGE, _("Cannot judge")),
        ]
        scale = _("1 is the weakest, 5 the best.")
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                required=False,
                choices=choices,
                widget=forms.RadioSelect,
                help_text=f"{criterion.description} {scale}".strip(),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                max_length=1000,
            )
        # Rendered by crispy-forms ({% crispy review_form %}): each criterion's score as a row
        # of choices under its name, its comment below them; the buttons are the page's.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form carries the token
        self.helper.layout = Layout(
            *(
                part
                for criterion in criteria
                for part in (
                    InlineRadios(f"score_{criterion.pk}"),
                    Field(f"comment_{criterion.pk}", css_class="form-control-sm"),
                )
            ),
            "recommendation",
            "comment",
        )

    @property
    def submitting(self) -> bool:
        return "submit" in self.data

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.submitting:
            if not data.get("recommendation"):
                self.add_error("recommendation", _("Choose a recommendation to submit."))
            for criterion in self.criteria:
                if not data.get(f"score_{criterion.pk}"):
                    self.add_error(
                        f"score_{criterion.pk}",
                        _("Give a score from 1 to 5, or choose “Cannot judge”."),
                    )
        return data

    def scores(self) -> dict[Criterion, tuple[int | None, str]]:
        result = {}
        for criterion in self.criteria:
            raw = self.cleaned_data.get(f"score_{criterion.pk}")
            if raw:
                value = None if raw == CANNOT_JUDGE else int(raw)
                result[criterion] = (value, self.cleaned_data.get(f"comment_{criterion.pk}", ""))
        return result


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: I sit on the board of the association."),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the committee reads internal notes."),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PK, widget=forms.HiddenInput
    )


class NoteReplyForm(NoteForm):
    """A reply under one note; it posts what NoteForm reads, with the note as its parent."""

    def __init__(self, *args: Any, note: Note, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"reply-{note.pk}-%s")
        kwargs.setdefault("initial", {"parent": note.pk})
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        body.label, body.help_text = _("Your reply"), ""
        body.widget.attrs["rows"] = 2


class LinkForm(forms.Form):
    other = forms.CharField(label=_("Reference number of the related idea"), max_length=20)


class MergeForm(forms.Form):
    """The ideas to handle together with this one, by their reference numbers."""

    references = forms.CharField(
        label=_("Reference numbers of the ideas to merge into this one"),
        help_text=_("One or more, separated by commas or spaces, for example IL-2026-0012."),
        max_length=400,
    )

    def clean_references(self) -> list[Idea]:
        typed = [part for part in re.split(r"[\s,;]+", self.cleaned_data["references"]) if part]
        references = list(dict.fromkeys(reference_typed(part) for part in typed))
        if not references:
            raise forms.ValidationError(_("Write the reference number of at least one idea."))
        if len(references) > 20:
            raise forms.ValidationError(_("Merge at most 20 ideas at a time."))
        found = {idea.reference: idea for idea in Idea.objects.filter(reference__in=references)}
        unknown = [reference for reference in references if reference not in found]
        if unknown:
            raise forms.ValidationError(
                _("No idea has the reference number %(references)s.")
                % {"references": ", ".join(unknown)}
            )
        return [found[reference] for reference in references]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class PartnerChoiceField(forms.ModelChoiceField):
    """One active partner; a value that cannot be a row id names none, before any query."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_pk(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class MessageTemplateChoiceForm(forms.Form):
    """Start a message to the owner from a template: sent by GET, it reloads the idea's page with
    that one message filled in (`place` says which form's message: the move's or the referral's).
    """

    place = forms.ChoiceField(
        choices=[("move", "move"), ("refer", "refer")], widget=forms.HiddenInput
    )
    template = forms.TypedChoiceField(
        label=_("Start from a template"),
        coerce=int,
        error_messages={
            "invalid_choice": _(
                "That template does not exist or is retired. Choose another one, or write the "
                "message yourself."
            ),
            "required": _("Choose a template."),
        },
    )
    partner = PartnerChoiceField(
        label=_("Partner the message names"),
        queryset=active_partners(),
        required=False,
        help_text=_("For a template that names the partner."),
        error_messages={"invalid_choice": _("Choose one of the active partners.")},
    )

    def __init__(
        self, *args: Any, place: str, templates: list[MessageTemplate], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"{place}-template-%s")
        kwargs.setdefault("initial", {"place": place})
        super().__init__(*args, **kwargs)
        self.templates = {template.pk: template for template in templates}
        field = self.fields["template"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a template"))] + [
            (template.pk, f"{template.title} ({template.get_kind_display()})")
            for template in templates
        ]
        if place != "refer" or not any(t.kind == TemplateKind.REFERRAL for t in templates):
            del self.fields["partner"]

    def chosen(self) -> MessageTemplate:
        return self.templates[self.cleaned_data["template"]]
