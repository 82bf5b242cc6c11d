"""The committee's meetings: a date, an agenda of ideas (those with all reviews in first), the
decision the meeting takes on each (refer to whom, ask what, decline why, hold until when) and
carrying the decisions out afterwards, each through the workflow's own service with its usual
mail to the owner, once however often it is asked. Also the agenda as a page (a fixed number of
queries whatever the number of ideas) and the minutes as text.

Who may do what: the coordinator creates, decides and carries out (`may_run_meetings`); the
committee reads (the views' `role_required`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_ask_question, idea_transition
from partners.models import Partner
from partners.selectors import active_partners
from portal.domain import DomainError
from portal.roles import COORDINATING, has_role
from triage.referrals.services import idea_refer
from triage.referrals.suggestions import Suggestion, partner_suggestions_for_ideas
from triage.review.meeting import agenda_prefetches, agenda_row, all_reviews_in
from triage.review.merges import active_merges
from triage.review.models import AgendaItem, DecisionKind, Meeting, MeetingState

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from portal.roles import Actor

# The statuses in which an idea waits for the committee's decision.
AWAITING_DECISION = (workflow.Status.IN_REVIEW, workflow.Status.ON_HOLD)

# The status each decision moves the idea to.
TARGETS = {
    DecisionKind.REFER: workflow.Status.REFERRED,
    DecisionKind.ASK: workflow.Status.NEEDS_INFORMATION,
    DecisionKind.DECLINE: workflow.Status.DECLINED,
    DecisionKind.HOLD: workflow.Status.ON_HOLD,
}


class MeetingError(DomainError):
    """A change to a meeting that cannot be made; `field` names the form field it concerns."""

    def __init__(self, message: object = None, *, field: str | None = None) -> None:
        super().__init__(message)  # type: ignore[arg-type]
        self.field = field


# -- who may -----------------------------------------------------------------------------------


def may_run_meetings(user: User) -> bool:
    """The coordinator (or an administrator) creates meetings, decides and carries out."""
    return has_role(user, *COORDINATING)


def is_open(meeting: Meeting) -> bool:
    """A meeting takes ideas and decisions until its decisions are carried out."""
    return meeting.state == MeetingState.PLANNED


# -- reads -------------------------------------------------------------------------------------


def meetings_list() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("created_by").order_by("-date", "-pk")


def planned_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(state=MeetingState.PLANNED).order_by("date", "pk")


def ideas_awaiting_decision(meeting: Meeting) -> QuerySet[Idea]:
    """Ideas in review or on hold and not yet on this meeting's agenda, those with all their
    reviews in first (`ready`)."""
    return (
        Idea.objects.filter(status__in=AWAITING_DECISION)
        .exclude(agenda_items__meeting=meeting)
        # A merged idea is decided with the idea it is merged into (triage.review.merges).
        .exclude(Exists(active_merges().filter(merged=OuterRef("pk"))))
        .annotate(ready=ExpressionWrapper(all_reviews_in(), output_field=BooleanField()))
        .only("pk", "reference", "title", "language", "status", "created_at")
        .order_by("-ready", "created_at")
    )


def meeting_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda's items with everything its page shows, in a fixed number of queries."""
    items = list(
        meeting.items.select_related("idea__municipality").prefetch_related(
            Prefetch("partners", queryset=Partner.objects.only("pk", "name"))
        )
    )
    ideas = [item.idea for item in items]
    prefetch_related_objects(ideas, *agenda_prefetches())
    return items


@dataclass
class AgendaPage:
    items: list[AgendaItem]
    rows: list[dict]
    partner_choices: list[tuple[int, str]]
    suggestions: dict[int, list[Suggestion]]


def agenda_page(meeting: Meeting, user: User) -> AgendaPage:
    """The meeting's agenda as this user may read it: each item's row (scores, spread,
    conflicts, suggested partners; `meeting.agenda_row`) and the partners to refer to, read
    once for every item's form. The ideas are matched all at once."""
    items = meeting_items(meeting)
    suggestions = partner_suggestions_for_ideas([item.idea for item in items])
    rows = [
        {**agenda_row(item.idea, user, suggestions.get(item.idea.pk, [])), "item": item}
        for item in items
    ]
    partner_choices = list(active_partners().values_list("pk", "name")) if items else []
    return AgendaPage(
        items=items, rows=rows, partner_choices=partner_choices, suggestions=suggestions
    )


# -- writes ------------------------------------------------------------------------------------


def meeting_create(*, date: datetime.date, title: str, actor: User) -> Meeting:
    """Plan a meeting on a date."""
    _require_coordinator(actor)
    meeting = Meeting(date=date, title=title.strip(), created_by=actor)
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_attendees_save(*, meeting: Meeting, attendees: str, actor: User) -> Meeting:
    """Record who took part, for the minutes."""
    _require_coordinator(actor)
    meeting.attendees = attendees.strip()
    meeting.save(update_fields=["attendees"])
    return meeting


@transaction.atomic
def agenda_add(*, meeting: Meeting, ideas: list[Idea], actor: User) -> list[AgendaItem]:
    """Put ideas on the agenda after those already on it, those with all reviews in first; an
    idea already there, merged into another, or no longer awaiting a decision, is left out.
    Gives the items added."""
    _require_coordinator(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    on_agenda = set(meeting.items.values_list("idea_id", flat=True))
    on_agenda |= set(
        active_merges()
        .filter(merged__in=[idea.pk for idea in ideas])
        .values_list("merged_id", flat=True)
    )
    position = meeting.items.aggregate(last=Coalesce(Max("position"), 0))["last"]
    # Those with all reviews in first, then in the order they came in.
    ready = set(
        Idea.objects.filter(pk__in=[idea.pk for idea in ideas])
        .filter(all_reviews_in())
        .values_list("pk", flat=True)
    )
    added = []
    for idea in sorted(ideas, key=lambda idea: (idea.pk not in ready, idea.created_at, idea.pk)):
        if idea.pk in on_agenda or idea.status not in AWAITING_DECISION:
            continue
        position += 1
        added.append(AgendaItem.objects.create(meeting=meeting, idea=idea, position=position))
        on_agenda.add(idea.pk)
    return added


def agenda_remove(*, item: AgendaItem, actor: User) -> None:
    """Take an idea off the agenda, as long as its decision is not carried out."""
    _require_coordinator(actor)
    _require_open(item.meeting)
    if item.carried_out_at is not None:
        raise MeetingError(_("This decision is carried out already."))
    item.delete()


@dataclass(frozen=True)
class Decision:
    """What the meeting decided on one idea, as the coordinator typed it."""

    kind: str
    partners: list[Partner] = field(default_factory=list)
    note_to_partners: str = ""
    message_to_owner: str = ""
    hold_until: datetime.date | None = None
    internal_note: str = ""


def decision_check(item: AgendaItem, decision: Decision, actor: Actor) -> None:
    """Raise `MeetingError` at the field concerned when the decision lacks what carrying it out
    needs, or the workflow would not let the idea go where the decision takes it."""
    kind = DecisionKind(decision.kind)
    if kind == DecisionKind.REFER:
        if not decision.partners:
            raise MeetingError(_("Choose at least one partner."), field="partners")
        if not decision.note_to_partners.strip():
            raise MeetingError(
                _("Write a note to the partners: what do you ask of them?"),
                field="note_to_partners",
            )
    if kind == DecisionKind.ASK and not decision.message_to_owner.strip():
        raise MeetingError(_("Write the question to the idea's owner."), field="message_to_owner")
    if kind == DecisionKind.HOLD:
        if decision.hold_until is None:
            raise MeetingError(_("Say until when the idea is on hold."), field="hold_until")
        if decision.hold_until <= item.meeting.date:
            raise MeetingError(
                _("The date the idea is on hold until must come after the meeting."),
                field="hold_until",
            )
    try:
        workflow.check(
            item.idea.status,
            TARGETS[kind],
            actor,
            decision.message_to_owner,
            via_referral=kind == DecisionKind.REFER,
        )
    except workflow.TransitionNotAllowed as error:
        # The move needs a message to the owner, or cannot be made at all.
        move = workflow.find(item.idea.status, TARGETS[kind])
        lacks_message = move is not None and move.needs_reason and workflow.may(move, actor)
        raise MeetingError(
            error.message, field="message_to_owner" if lacks_message else "decision"
        ) from error


@transaction.atomic
def agenda_item_decide(*, item: AgendaItem, decision: Decision, actor: User) -> AgendaItem:
    """Record the meeting's decision on an idea (it is carried out later, with the others)."""
    _require_coordinator(actor)
    locked = (
        AgendaItem.objects.select_for_update().select_related("meeting", "idea").get(pk=item.pk)
    )
    _require_open(locked.meeting)
    if locked.carried_out_at is not None:
        raise MeetingError(_("This decision is carried out already."), field="decision")
    decision_check(locked, decision, actor)
    kind = DecisionKind(decision.kind)
    locked.decision = kind
    locked.note_to_partners = decision.note_to_partners.strip() if kind == "refer" else ""
    locked.message_to_owner = decision.message_to_owner.strip()
    locked.hold_until = decision.hold_until if kind == DecisionKind.HOLD else None
    locked.internal_note = decision.internal_note.strip()
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.carry_out_error = ""
    locked.full_clean(exclude=["partners"])
    locked.save()
    locked.partners.set(decision.partners if kind == DecisionKind.REFER else [])
    return locked


@dataclass
class CarryOutReport:
    """What carrying out the meeting's decisions did: the items carried out now, those that
    were carried out before, and those the workflow refused (with why)."""

    carried_out: list[AgendaItem] = field(default_factory=list)
    already: list[AgendaItem] = field(default_factory=list)
    refused: list[tuple[AgendaItem, str]] = field(default_factory=list)
    undecided: list[AgendaItem] = field(default_factory=list)


def meeting_carry_out(*, meeting: Meeting, actor: User) -> CarryOutReport:
    """Carry out every decision of the meeting through the workflow, one transaction per item:
    one refusal does not undo or stop the others. Carrying out again does nothing twice.

    The meeting is held once every item on it is decided and carried out (an idea the meeting
    did not reach is taken off the agenda first)."""
    _require_coordinator(actor)
    report = CarryOutReport()
    for item in meeting.items.select_related("idea").order_by("position", "pk"):
        if not item.decision:
            report.undecided.append(item)
            continue
        if item.carried_out_at is not None:
            report.already.append(item)
            continue
        try:
            done = agenda_item_carry_out(item=item, actor=actor)
        except DomainError as error:
            AgendaItem.objects.filter(pk=item.pk, carried_out_at__isnull=True).update(
                carry_out_error=str(error)
            )
            report.refused.append((item, str(error)))
        else:
            (report.carried_out if done else report.already).append(item)
    if not report.refused and not report.undecided and meeting.state == MeetingState.PLANNED:
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD)
        meeting.state = MeetingState.HELD
    return report


@transaction.atomic
def agenda_item_carry_out(*, item: AgendaItem, actor: Actor) -> bool:
    """Carry out one decision through the workflow's service, which writes the audit row and
    the owner's mail (in the owner's language); give False when it was carried out already."""
    locked = (
        AgendaItem.objects.select_for_update().select_related("meeting", "idea").get(pk=item.pk)
    )
    if locked.carried_out_at is not None or not locked.decision:
        return False
    idea, kind = locked.idea, DecisionKind(locked.decision)
    note = _history_note(locked)
    if kind == DecisionKind.REFER:
        idea_refer(
            idea=idea,
            partners=list(locked.partners.all()),
            note_to_partners=locked.note_to_partners,
            message_to_owner=locked.message_to_owner,
            actor=actor,
        )
    elif kind == DecisionKind.ASK:
        idea_ask_question(
            idea=idea, question=locked.message_to_owner, actor=actor, internal_note=note
        )
    else:
        idea_transition(
            idea=idea,
            to=TARGETS[kind],
            actor=actor,
            message_to_owner=locked.message_to_owner,
            internal_note=note,
        )
    locked.carried_out_at = timezone.now()
    locked.carry_out_error = ""
    locked.save(update_fields=["carried_out_at", "carry_out_error"])
    item.carried_out_at, item.carry_out_error = locked.carried_out_at, ""
    return True


def _history_note(item: AgendaItem) -> str:
    # The idea's history is read by the committee, in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Decided at the meeting of %(date)s.") % {
            "date": date_format(item.meeting.date, "DATE_FORMAT")
        }
        if item.hold_until:
            note += " " + _("On hold until %(date)s.") % {
                "date": date_format(item.hold_until, "DATE_FORMAT")
            }
    return f"{note} {item.internal_note}".strip()


def _require_coordinator(actor: Actor) -> None:
    if not has_role(actor, *COORDINATING):
        raise MeetingError(_("Only the coordinator runs the committee's meetings."))


def _require_open(meeting: Meeting) -> None:
    if not is_open(meeting):
        raise MeetingError(_("This meeting is held: its agenda and decisions are closed."))


# -- minutes -----------------------------------------------------------------------------------

DECISION_WORDS = {
    "": gettext_lazy("No decision"),
    **{kind.value: kind.label for kind in DecisionKind},
}


def decision_summary(item: AgendaItem) -> str:
    """One line on what the meeting decided on the item, for the minutes (the committee's)."""
    words = str(DECISION_WORDS[item.decision])
    if item.decision == DecisionKind.REFER:
        words += ": " + ", ".join(p.name for p in item.partners.all())
    elif item.decision == DecisionKind.HOLD and item.hold_until:
        words += ": " + _("until %(date)s") % {"date": date_format(item.hold_until, "DATE_FORMAT")}
    return words


def minutes_text(meeting: Meeting, items: list[AgendaItem]) -> str:
    """The minutes as plain text: the meeting, who took part and every decision."""
    lines = [
        _("Minutes: %(title)s") % {"title": meeting.title},
        _("Date: %(date)s") % {"date": date_format(meeting.date, "DATE_FORMAT")},
    ]
    if meeting.attendees:
        lines.append(_("Attendees: %(names)s") % {"names": " ".join(meeting.attendees.split())})
    lines.append("")
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.idea.reference} {item.idea.title}")
        lines.append("   " + _("Decision: %(decision)s") % {"decision": decision_summary(item)})
        texts = (
            (_("Note to the partners"), item.note_to_partners),
            (_("Message to the owner"), item.message_to_owner),
            (_("Internal note"), item.internal_note),
        )
        for label, text in texts:
            if text:
                lines.append(f"   {label}: {' '.join(text.split())}")
        absent = [c.member for c in item.idea.conflicts.all() if c.is_active]
        if absent:
            names = ", ".join(m.get_full_name() or m.get_username() for m in absent)
            absent_line = _("Absent for a conflict of interest: %(names)s") % {"names": names}
            lines.append(f"   {absent_line}")
        if item.carried_out_at:
            lines.append(
                "   "
                + _("Carried out: %(date)s")
                % {"date": date_format(timezone.localtime(item.carried_out_at), "DATETIME_FORMAT")}
            )
        elif item.carry_out_error:
            lines.append("   " + _("Not carried out: %(why)s") % {"why": item.carry_out_error})
        lines.append("")
    return "\n".join(lines)
