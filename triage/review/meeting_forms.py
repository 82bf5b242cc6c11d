"""Forms of the committee's meetings: a new meeting, its attendees, ideas for its agenda and the
decision on each idea. Input checks only; what a decision needs is `meetings.decision_check`'s."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from portal.lookups import is_pk
from triage.referrals.suggestions import Suggestion
from triage.review.fields import FastSelectMultiple
from triage.review.meetings import AWAITING_DECISION, Decision
from triage.review.message_templates import MessageTemplate, TemplateKind
from triage.review.models import AgendaItem, DecisionKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        initial=_("The committee's meeting"),
        help_text=_("For example the month, or what the meeting is about."),
    )


class AttendeesForm(forms.Form):
    attendees = forms.CharField(
        label=_("Attendees"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who took part, for the minutes."),
    )


class AgendaAddForm(forms.Form):
    """Ideas for a meeting's agenda, ticked by their reference (on the meeting's page or the
    dashboard)."""

    meeting = forms.UUIDField(label=_("Meeting"), required=False)
    ideas = forms.ModelMultipleChoiceField(
        label=_("Ideas"),
        queryset=Idea.objects.filter(status__in=AWAITING_DECISION),
        to_field_name="reference",
        error_messages={
            "required": _("Select at least one idea awaiting a decision."),
            "invalid_choice": _(
                "%(value)s does not await a decision: only ideas in review or on hold go on "
                "an agenda."
            ),
        },
    )


class DecisionForm(forms.Form):
    """The meeting's decision on one idea. The partners to refer to are the item's suggested
    ones (checkboxes) and any other active partner; their choices are handed in, read once for
    every item of the page."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    suggested = forms.TypedMultipleChoiceField(
        label=_("Suggested partners"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_partners = forms.TypedMultipleChoiceField(
        label=_("Other partners"),
        coerce=int,
        required=False,
        widget=FastSelectMultiple(attrs={"size": 4}),
        help_text=_("To refer to a partner that is not suggested (Ctrl or ⌘ to choose several)."),
    )
    note_to_partners = forms.CharField(
        label=_("Note to the partners (only the partners read this)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you refer: what do you ask of them?"),
    )
    # Sent with "Use the template", it fills the message below in the owner's language (the
    # page comes back with everything else as typed); recording the decision ignores it.
    template = forms.TypedChoiceField(
        label=_("Start the message from a template"),
        coerce=int,
        required=False,
    )
    message_to_owner = forms.CharField(
        label=_(
            "Message to the idea's owner (the owner reads this in a mail and on the tracking page)"
        ),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The question when you ask, the reason when you decline; optional when you refer "
            "or put the idea on hold."
        ),
    )
    hold_until = forms.DateField(
        label=_("On hold until"),
        required=False,
        widget=DateInput(),
        help_text=_("Required when you put the idea on hold."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (only the committee reads this)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        item: AgendaItem,
        suggestions: list[Suggestion],
        partner_choices: list[tuple[int, str]],
        templates: list[MessageTemplate] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"item-{item.position}")
        if item.decision and "initial" not in kwargs:
            chosen = {partner.pk for partner in item.partners.all()}
            kwargs["initial"] = {
                "decision": item.decision,
                "suggested": [s.partner.id for s in suggestions if s.partner.id in chosen],
                "other_partners": [
                    pk for pk in chosen if pk not in {s.partner.id for s in suggestions}
                ],
                "note_to_partners": item.note_to_partners,
                "message_to_owner": item.message_to_owner,
                "hold_until": item.hold_until,
                "internal_note": item.internal_note,
            }
        super().__init__(*args, **kwargs)
        self.suggestions, self.partner_choices = suggestions, partner_choices
        suggested_ids = {s.partner.id for s in suggestions}
        names = dict(partner_choices)
        self.fields["suggested"].choices = [  # type: ignore[attr-defined]
            (
                s.partner.id,
                _("%(name)s (suggested, %(percent)s%%)")
                % {"name": s.partner.name, "percent": s.percent},
            )
            for s in suggestions
            if s.partner.id in names
        ]
        self.fields["other_partners"].choices = [  # type: ignore[attr-defined]
            (pk, name) for pk, name in partner_choices if pk not in suggested_ids
        ]
        self.templates = {template.pk: template for template in templates or []}
        if self.templates:
            self.fields["template"].choices = [  # type: ignore[attr-defined]
                ("", _("Choose a template")),
                *((t.pk, f"{t.title} ({t.get_kind_display()})") for t in self.templates.values()),
            ]
        else:
            del self.fields["template"]

    def partner_ids(self) -> list[int]:
        data = self.cleaned_data
        return [pk for pk in [*data["suggested"], *data["other_partners"]] if is_pk(pk)]

    def decision_for(self, partners: list[Any]) -> Decision:
        data = self.cleaned_data
        return Decision(
            kind=data["decision"],
            partners=partners,
            note_to_partners=data["note_to_partners"],
            message_to_owner=data["message_to_owner"],
            hold_until=data["hold_until"],
            internal_note=data["internal_note"],
        )


# The decision a template is for, chosen with it when none is chosen yet.
TEMPLATE_DECISIONS = {
    TemplateKind.DECLINE: DecisionKind.DECLINE,
    TemplateKind.QUESTION: DecisionKind.ASK,
}
# The templates a meeting's decision may start from.
DECISION_TEMPLATE_KINDS = (TemplateKind.DECLINE, TemplateKind.QUESTION)
