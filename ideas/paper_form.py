"""The blank idea form on paper, for stops where even the tablet fails (issue 20).

It is drawn from the online form itself (`IdeaSubmitForm`): the same questions, help texts,
choices and consent, in the same order and the same translations, so paper and screen never
drift apart. Staff type a filled-in paper in later through assisted intake, ticking "typed in
from a paper form": the idea's channel is then "paper", and the resident's signature on the
paper is the consent (the paper is the consent's record).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from ideas.forms import IdeaSubmitForm

# Fields a paper cannot carry (files), or that only guard the online form against machines.
NOT_ON_PAPER = frozenset({"attachments", "website", "started"})


@dataclass(frozen=True)
class PaperQuestion:
    """One question as printed: a label, its help, and boxes to tick or lines to write on."""

    name: str
    label: str
    help_text: str
    required: bool
    choices: list[str] = field(default_factory=list)
    tick_box: bool = False
    lines: int = 1


def paper_questions() -> list[PaperQuestion]:
    """The online form's questions, in its order, in the active language, drawn for paper."""
    form = IdeaSubmitForm()
    questions = []
    for bound in form:
        if bound.name in NOT_ON_PAPER:
            continue
        widget = bound.field.widget
        choices = [
            str(label) for value, label in getattr(bound.field, "choices", ()) if str(value) != ""
        ]
        questions.append(
            PaperQuestion(
                name=bound.name,
                label=str(bound.label),
                help_text=str(bound.help_text or ""),
                required=bound.field.required,
                choices=choices,
                tick_box=isinstance(widget, forms.CheckboxInput),
                lines=int(widget.attrs.get("rows", 1)) if isinstance(widget, forms.Textarea) else 1,
            )
        )
    return questions
