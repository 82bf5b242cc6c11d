"""The questions the coordinator adds to the idea form, and the calls for ideas that may carry
their own: which are asked now, their form fields, the answers stored with the wording they
were given to, and the answers as the committee, the export and the owner's "my data" read them.

A question's wording is never changed in place: editing it adds a version, so that an answer
keeps pointing at the words the resident read. A retired question leaves the form and stays on
the ideas that answered it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import (
    CallForIdeas,
    FormQuestion,
    FormQuestionVersion,
    Idea,
    IdeaAnswer,
    QuestionKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The form field of a question is named by the question's id: stable across its versions.
FIELD_PREFIX = "question_"
YES, NO = "yes", "no"
ANSWER_MAX_LENGTH = 5000
# The languages a question and a call's title are written in: every language of the portal.
QUESTION_LANGUAGES = ("sv", "en", "ar", "sv-easy")
# The wording that must be written: the staff's languages (the others fall back to them).
REQUIRED_LANGUAGES = ("sv", "en")
# What an empty required question's error says, after the question's own wording.
REQUIRED_MESSAGE = _("Answer this question: it is required.")
CHOICE_REQUIRED_MESSAGE = _("Choose one of the answers: the question is required.")


@dataclass(frozen=True)
class AskedQuestion:
    """A question as the form asks it now: the question and its latest wording."""

    question: FormQuestion
    version: FormQuestionVersion

    @property
    def field_name(self) -> str:
        return f"{FIELD_PREFIX}{self.question.pk}"


@dataclass(frozen=True)
class ShownAnswer:
    """An answer as a reader sees it: the wording as asked, and the answer in their language."""

    question: str
    answer: str
    version: int
    question_id: int


def open_calls(*, today: date | None = None) -> list[CallForIdeas]:
    """The calls open today, newest first (one query)."""
    today = today or timezone.localdate()
    return list(
        CallForIdeas.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related(
            "theme"
        )
    )


def current_call(*, today: date | None = None) -> CallForIdeas | None:
    """The call an idea sent today belongs to: the one opened last, if any is open."""
    calls = open_calls(today=today)
    return calls[0] if calls else None


def active_questions(
    *, call: CallForIdeas | None = None, today: date | None = None
) -> list[AskedQuestion]:
    """The questions the form asks, in their order, each with its latest wording (one query):
    those for every idea and those of `call`, or, without one, of every call open today."""
    today = today or timezone.localdate()
    if call is not None:
        of_call = Q(question__call=call)
    else:
        of_call = Q(question__call__opens_on__lte=today, question__call__closes_on__gte=today)
    versions = (
        FormQuestionVersion.objects.filter(question__retired_at=None)
        .filter(Q(question__call=None) | of_call)
        .select_related("question")
        .order_by("question__position", "question_id", "-number")
    )
    asked: dict[int, AskedQuestion] = {}
    for version in versions:
        if version.question_id not in asked:
            asked[version.question_id] = AskedQuestion(question=version.question, version=version)
    return list(asked.values())


def question_field(asked: AskedQuestion, *, language: str) -> forms.Field:
    """The form field that asks `asked` in `language`, with the same rules as the form's own."""
    from ideas.forms import Text

    version = asked.version
    question = asked.question
    common: dict[str, Any] = {
        "label": version.wording(language),
        "help_text": version.help_text(language),
        "required": question.required,
    }
    field: forms.Field
    if question.kind == QuestionKind.TEXT:
        field = Text(
            max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
        field.error_messages["required"] = REQUIRED_MESSAGE
    elif question.kind == QuestionKind.CHOICE:
        choices = [
            (str(number), label) for number, label in enumerate(version.choices(language), start=1)
        ]
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        field.error_messages["required"] = CHOICE_REQUIRED_MESSAGE
    else:
        field = forms.ChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common
        )
        field.error_messages["required"] = CHOICE_REQUIRED_MESSAGE
    return field


def form_fields(asked: Iterable[AskedQuestion], *, language: str) -> dict[str, forms.Field]:
    """The fields of the questions, by field name, in their order."""
    return {item.field_name: question_field(item, language=language) for item in asked}


def answers_from(
    asked: Iterable[AskedQuestion], cleaned_data: Mapping[str, Any]
) -> list[tuple[FormQuestionVersion, str]]:
    """The answers a valid form holds, each with the wording it was given to; none empty."""
    answers = []
    for item in asked:
        value = (cleaned_data.get(item.field_name) or "").strip()
        if value:
            answers.append((item.version, value))
    return answers


def answers_save(*, idea: Idea, answers: Iterable[tuple[FormQuestionVersion, str]]) -> int:
    """Store the idea's answers with the versions they answer (one query, none if empty)."""
    rows = [IdeaAnswer(idea=idea, version=version, value=value) for version, value in answers]
    if rows:
        IdeaAnswer.objects.bulk_create(rows)
    return len(rows)


def answer_display(version: FormQuestionVersion, value: str, *, language: str) -> str:
    """An answer in `language`: the text as written, the choice's or yes/no's label."""
    kind = version.question.kind
    if kind == QuestionKind.CHOICE:
        choices = version.choices(language)
        if value.isdigit() and 1 <= int(value) <= len(choices):
            return choices[int(value) - 1]
        return value
    if kind == QuestionKind.YES_NO:
        return str(_("Yes")) if value == YES else str(_("No")) if value == NO else value
    return value


def _answers_queryset() -> models.QuerySet[IdeaAnswer]:
    return IdeaAnswer.objects.select_related("version__question").order_by(
        "version__question__position", "version__question_id"
    )


def answers_prefetch() -> models.Prefetch:
    """What a list of ideas prefetches to show their answers: one query whatever their number."""
    return models.Prefetch("form_answers", queryset=_answers_queryset())


def answers_shown(idea: Idea, *, language: str) -> list[ShownAnswer]:
    """The idea's answers with the wording as asked, in `language` (prefetched or one query)."""
    return [
        ShownAnswer(
            question=answer.version.wording(language),
            answer=answer_display(answer.version, answer.value, language=language),
            version=answer.version.number,
            question_id=answer.version.question_id,
        )
        for answer in answers_of(idea)
    ]


def answers_of(idea: Idea) -> list[IdeaAnswer]:
    cache = getattr(idea, "_prefetched_objects_cache", {})
    if "form_answers" in cache:
        return list(idea.form_answers.all())
    return list(_answers_queryset().filter(idea=idea))


def export_cell(idea: Idea, *, language: str) -> str:
    """The idea's answers in one cell of the export: "question: answer", one a line."""
    return "\n".join(
        f"{shown.question}: {shown.answer}" for shown in answers_shown(idea, language=language)
    )


def my_data_rows(idea: Idea) -> list[dict[str, Any]]:
    """The owner's answers for "my data", in the idea's language, as the owner read them."""
    return [
        {"question": shown.question, "answer": shown.answer, "question_version": shown.version}
        for shown in answers_shown(idea, language=idea.language)
    ]


def answers_erase(*, idea: Idea) -> int:
    """Delete the idea's answers: what the owner wrote in them is theirs (erasure)."""
    deleted, _by_model = IdeaAnswer.objects.filter(idea=idea).delete()
    return deleted


# --- The coordinator's writes


def texts_changed(version: FormQuestionVersion | None, texts: dict) -> bool:
    return version is None or version.texts != texts


@transaction.atomic
def question_add(
    *,
    kind: str,
    required: bool,
    texts: dict,
    call: CallForIdeas | None = None,
    actor: User | None = None,
) -> FormQuestion:
    """Add a question at the end of the form, with its first wording."""
    last = FormQuestion.objects.filter(retired_at=None).aggregate(last=Max("position"))["last"]
    question = FormQuestion(kind=kind, required=required, call=call, position=(last or 0) + 1)
    question.full_clean()
    question.save()
    FormQuestionVersion.objects.create(question=question, number=1, texts=texts, created_by=actor)
    return question


@transaction.atomic
def question_edit(
    *,
    question: FormQuestion,
    required: bool,
    texts: dict,
    call: CallForIdeas | None = None,
    actor: User | None = None,
) -> FormQuestionVersion:
    """Change a question: a new wording is a new version; earlier answers keep theirs."""
    locked = FormQuestion.objects.select_for_update().get(pk=question.pk)
    locked.required = required
    locked.call = call
    locked.full_clean()
    locked.save(update_fields=["required", "call"])
    latest = locked.versions.order_by("-number").first()
    if latest is not None and not texts_changed(latest, texts):
        return latest
    return FormQuestionVersion.objects.create(
        question=locked, number=(latest.number + 1) if latest else 1, texts=texts, created_by=actor
    )


@transaction.atomic
def question_move(*, question: FormQuestion, up: bool) -> bool:
    """Swap the question with its neighbour above or below among those asked; False at an end."""
    order = list(
        FormQuestion.objects.select_for_update().filter(retired_at=None).order_by("position", "pk")
    )
    ids = [item.pk for item in order]
    if question.pk not in ids:
        return False
    index = ids.index(question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return False
    order[index], order[other] = order[other], order[index]
    for position, item in enumerate(order, start=1):
        if item.position != position:
            FormQuestion.objects.filter(pk=item.pk).update(position=position)
    return True


def question_retire(*, question: FormQuestion) -> FormQuestion:
    """Take the question off the form; the ideas that answered it keep their answers."""
    if question.retired_at is None:
        question.retired_at = timezone.now()
        question.save(update_fields=["retired_at"])
    return question


def call_save(*, call: CallForIdeas) -> CallForIdeas:
    call.full_clean()
    call.save()
    return call


def questions_for_list() -> list[AskedQuestion]:
    """Every question with its latest wording, those asked first in their order (one query)."""
    versions = FormQuestionVersion.objects.select_related("question__call").order_by(
        models.F("question__retired_at").asc(nulls_first=True),
        "question__position",
        "question_id",
        "-number",
    )
    asked: dict[int, AskedQuestion] = {}
    for version in versions:
        if version.question_id not in asked:
            asked[version.question_id] = AskedQuestion(question=version.question, version=version)
    return list(asked.values())
