"""Duplicates handled together: one idea stays (the kept idea), others are merged into it.

A merged idea keeps its owner, its tracking link, its own text and its own status, frozen while
it is merged: it leaves the dashboard's lists and points to the kept idea, and staff may not move
it on its own. Every owner is told, in their own language, that their idea is handled together
with a similar idea; an owner never learns who sent the other idea, nor its text. Only the other
idea's title and municipality are named, and only when both owners let their ideas be listed
publicly (`other_idea_shown`): the title is public already then.

While merged, each status change of the kept idea that its owner is told of also reaches the
owner of every open merged idea, in that owner's language, in the owner's words of the status
(`relays_status`): not the coordinator's message, written for the kept idea's owner, nor a
question asked of that owner, nor the kept owner's own withdrawal. A withdrawal of the kept idea
undoes its merges instead: each merged idea is handled on its own again, and its owner is told.

Merge and undo are recorded in both ideas' history (an `IdeaEvent` that leaves the status as it
is, with a note for the committee), beside the `IdeaMerge` row that says who merged, who undid
and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas import workflow
from ideas.models import Idea, IdeaEvent
from ideas.workflow import Status
from portal.domain import DomainError
from portal.outbox.models import MessageKind
from portal.roles import COORDINATING, SYSTEM, Actor, actor_label, actor_user, has_role
from triage.review.models import AgendaItem

if TYPE_CHECKING:
    from django.http import HttpRequest

# An idea that may be merged into another: not yet referred (no partner holds it) and not
# waiting for its owner's answer.
MERGEABLE = frozenset({Status.RECEIVED, Status.SCREENING, Status.IN_REVIEW, Status.ON_HOLD})


class IdeaMerge(models.Model):
    """One idea handled together with another that stays; `undone_at` once it is undone."""

    merged = models.ForeignKey(
        Idea,
        on_delete=models.CASCADE,
        related_name="merges_out",
        verbose_name=gettext_lazy("merged idea"),
    )
    kept = models.ForeignKey(
        Idea,
        on_delete=models.CASCADE,
        related_name="merges_in",
        verbose_name=gettext_lazy("kept idea"),
    )
    # The merged idea's own status when it was merged: it stays so while merged.
    status_at_merge = models.CharField(max_length=20, choices=Status.choices)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_label = models.CharField(max_length=60, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["merged_at", "pk"]
        verbose_name = gettext_lazy("merge of ideas")
        verbose_name_plural = gettext_lazy("merges of ideas")
        constraints = [
            # An idea is handled together with one kept idea at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="one_open_merge_per_idea",
            ),
            models.CheckConstraint(
                condition=~Q(merged=models.F("kept")), name="merge_not_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class MergeRefused(DomainError):
    """A merge or an undo that cannot be made, with the reason for the coordinator."""


def active_merges() -> models.QuerySet[IdeaMerge]:
    return IdeaMerge.objects.filter(undone_at__isnull=True)


def merge_problem(*, merged: Idea, kept: Idea, taken: set[int]) -> str:
    """Why `merged` cannot be merged into `kept`, or "" if it can; `taken` holds the ids of
    ideas merged already or having ideas merged into them (read once for all)."""
    if merged.pk == kept.pk:
        return _("%(reference)s is this idea: an idea cannot be merged into itself.") % {
            "reference": merged.reference
        }
    if merged.pk in taken:
        return _(
            "%(reference)s is already merged, or other ideas are handled together with it: "
            "undo those merges first, or merge into it instead."
        ) % {"reference": merged.reference}
    if merged.status not in MERGEABLE:
        return _(
            "%(reference)s is “%(status)s”: only an idea not yet referred and not waiting for "
            "its owner's answer can be merged."
        ) % {"reference": merged.reference, "status": workflow.staff_label(merged.status)}
    return ""


def kept_problem(kept: Idea) -> str:
    """Why other ideas cannot be merged into `kept`, or "" if they can."""
    if kept.status in workflow.FINAL_STATES:
        return _("This idea is “%(status)s”: merge into an idea that is still open.") % {
            "status": workflow.staff_label(kept.status)
        }
    if active_merges().filter(merged=kept).exists():
        return _("This idea is itself merged into another: merge into that one instead.")
    return ""


def _may_merge(actor: Actor) -> None:
    if not has_role(actor, *COORDINATING):
        raise MergeRefused(_("Only the coordinator merges ideas and undoes merges."))


def _record(*, idea: Idea, actor: Actor, note: str) -> None:
    """A line in the idea's history: the status stays as it is (see the module's docstring)."""
    IdeaEvent.objects.create(
        idea=idea,
        from_status=idea.status,
        to_status=idea.status,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        internal_note=note,
    )


def _mail(idea: Idea, *, template: str, context: dict, key: str) -> None:
    from ideas.services import owner_mail  # noqa: PLC0415 (the models load before services)

    owner_mail(
        idea=idea,
        kind=MessageKind.STATUS_CHANGE,
        template=template,
        context=context,
        idempotency_key=f"{key}:{idea.reference}:{idea.events.count()}",
    )


def other_idea_shown(idea: Idea, other: Idea) -> bool:
    """The other idea's title may be named to this idea's owner only when both owners let
    their ideas be listed publicly (its title is public then); never after an erasure."""
    return (
        idea.public_listing
        and other.public_listing
        and other.anonymised_at is None
        and other.status != Status.WITHDRAWN
    )


@transaction.atomic
def merge_ideas(*, kept: Idea, merged: Sequence[Idea], actor: Actor) -> list[IdeaMerge]:
    """Handle `merged` together with `kept`: each merged idea points to the kept one, leaves
    the lists, keeps its owner and status, and its owner is told; so is the kept idea's owner.

    All or nothing: one idea that cannot be merged refuses the lot, with every reason."""
    _may_merge(actor)
    if not merged:
        raise MergeRefused(_("Choose at least one idea to merge into this one."))
    ids = sorted({idea.pk for idea in merged} | {kept.pk})
    locked = {idea.pk: idea for idea in Idea.objects.select_for_update().filter(pk__in=ids)}
    kept = locked[kept.pk]
    problem = kept_problem(kept)
    if problem:
        raise MergeRefused(problem)
    others = [locked[pk] for pk in dict.fromkeys(idea.pk for idea in merged)]
    open_merges = active_merges().filter(Q(merged__in=ids) | Q(kept__in=ids))
    taken = {pk for pair in open_merges.values_list("merged", "kept") for pk in pair}
    problems = [p for other in others if (p := merge_problem(merged=other, kept=kept, taken=taken))]
    if problems:
        raise MergeRefused(" ".join(problems))
    # A merged idea is decided with the kept one: off every agenda whose decision on it is not
    # carried out (carried-out items stay, as the minutes' record).
    AgendaItem.objects.filter(idea__in=others, carried_out_at__isnull=True).delete()
    made = []
    for other in others:
        made.append(
            IdeaMerge.objects.create(
                merged=other, kept=kept, status_at_merge=other.status, merged_by=actor_user(actor)
            )
        )
        _record(
            idea=other,
            actor=actor,
            note=_("Merged: handled together with %(reference)s.") % {"reference": kept.reference},
        )
        _mail(
            other,
            template="together",
            context={"other_title": kept.title if other_idea_shown(other, kept) else ""},
            key="together",
        )
    _record(
        idea=kept,
        actor=actor,
        note=_("Handled together with this idea: %(references)s.")
        % {"references": ", ".join(other.reference for other in others)},
    )
    shown = [o.title for o in others if other_idea_shown(kept, o)]
    _mail(
        kept,
        template="together",
        context={"other_title": shown[0] if len(shown) == 1 == len(others) else ""},
        key="together",
    )
    return made


@transaction.atomic
def merge_undo(*, merged: Idea, actor: Actor, tell_owner: bool = True) -> IdeaMerge:
    """Handle a merged idea on its own again: it is back in the lists with the status it had
    (frozen while merged), and its owner is told. The kept idea stays as it is."""
    if actor is not SYSTEM:
        _may_merge(actor)
    merge = active_merges().select_for_update().filter(merged=merged).first()
    if merge is None:
        raise MergeRefused(
            _("%(reference)s is not merged: there is nothing to undo.")
            % {"reference": merged.reference}
        )
    merge.undone_at = timezone.now()
    merge.undone_by = actor_user(actor)
    merge.undone_label = actor_label(actor)
    merge.save(update_fields=["undone_at", "undone_by", "undone_label"])
    merged = Idea.objects.get(pk=merge.merged_id)
    kept = Idea.objects.get(pk=merge.kept_id)
    _record(
        idea=merged,
        actor=actor,
        note=_("Merge undone: no longer handled together with %(reference)s.")
        % {"reference": kept.reference},
    )
    _record(
        idea=kept,
        actor=actor,
        note=_("Merge undone: %(reference)s is handled on its own again.")
        % {"reference": merged.reference},
    )
    if tell_owner and merged.status in workflow.OPEN_STATES:
        _mail(merged, template="together_undone", context={}, key="together-undone")
    return merge


def merges_undo_on_withdrawal(idea: Idea) -> None:
    """An owner withdrew their idea (`ideas.hooks.after_withdrawal`): if it was kept, the ideas
    merged into it go on on their own, their owners told; if it was merged, its merge ends."""
    for merge in active_merges().filter(Q(kept=idea) | Q(merged=idea)).select_related("merged"):
        merge_undo(merged=merge.merged, actor=SYSTEM, tell_owner=merge.kept_id == idea.pk)


def relays_status(source: str, target: str) -> bool:
    """Tell whether a move of the kept idea reaches the owners of the ideas merged into it:
    the moves its own owner is told of, less a question to that owner, its answer, and that
    owner's withdrawal."""
    transition = workflow.find(source, target)
    return (
        transition is not None
        and transition.tell_resident
        and Status.NEEDS_INFORMATION not in (source, target)
        and target != Status.WITHDRAWN
    )


def merged_owners_tell(idea: Idea, source: str, target: str) -> None:
    """Tell the owner of every open idea merged into `idea` of its move, each in their
    language (`ideas.hooks.after_owner_told`)."""
    if not relays_status(source, target):
        return
    merges = list(
        active_merges()
        .filter(kept=idea, merged__status__in=workflow.OPEN_STATES)
        .select_related("merged")
    )
    # Once per move of the kept idea: its history's length names the move.
    move = idea.events.count() if merges else 0
    for merge in merges:
        _mail(
            merge.merged,
            template="together_status",
            context={
                "public_label": workflow.public_label_lazy(target),
                "final": target in workflow.FINAL_STATES,
            },
            key=f"together-status:{idea.pk}:{move}",
        )


def moves_of_merged_refused(idea: Idea, actor: Actor) -> None:
    """Staff do not move a merged idea on its own: undo the merge first
    (`ideas.hooks.before_move`). Its owner may still answer a question or withdraw it."""
    if not getattr(actor, "is_authenticated", False):
        return
    if active_merges().filter(merged=idea).exists():
        raise workflow.TransitionNotAllowed(
            _(
                "This idea is handled together with another: move that idea, or undo the merge "
                "to handle this one on its own."
            )
        )


@dataclass(frozen=True)
class Together:
    """What an idea's owner may read of its merge, on the tracking page."""

    since: datetime
    is_kept: bool
    count: int = 1
    status_label: str = ""  # the kept idea's status, in the owner's words (merged ideas only)
    other_title: str = ""
    other_language: str = ""


def together_for_owner(idea: Idea) -> Together | None:
    """The owner's line: their idea is handled together with a similar idea (or similar ideas
    are handled together with theirs); None if it is not merged either way. One query."""
    rows = list(
        active_merges()
        .filter(Q(merged=idea) | Q(kept=idea))
        .select_related("merged", "kept")
        .order_by("merged_at", "pk")
    )
    into = next((row for row in rows if row.merged_id == idea.pk), None)
    if into is not None:
        kept = into.kept
        return Together(
            since=into.merged_at,
            is_kept=False,
            status_label=workflow.public_label(kept.status),
            other_title=kept.title if other_idea_shown(idea, kept) else "",
            other_language=kept.language,
        )
    if not rows:
        return None
    shown = [row.merged for row in rows if other_idea_shown(idea, row.merged)]
    return Together(
        since=rows[-1].merged_at,
        is_kept=True,
        count=len(rows),
        other_title=shown[0].title if len(rows) == 1 and shown else "",
        other_language=shown[0].language if shown else "",
    )


def tracking_page_context(idea: Idea, request: HttpRequest) -> dict[str, object]:
    """The merge's line of the tracking page (`ideas.hooks.tracking_page_context`)."""
    return {"together": together_for_owner(idea)}


@dataclass(frozen=True)
class MergeView:
    """What the committee's page of an idea shows of its merges."""

    into: IdeaMerge | None  # this idea is merged into `into.kept`
    merged_here: list[IdeaMerge]  # the ideas handled together with this one


def merges_for_page(idea: Idea) -> MergeView:
    """The idea's merges, both ways, with the other ideas loaded: one query."""
    rows = list(
        active_merges()
        .filter(Q(merged=idea) | Q(kept=idea))
        .select_related("merged", "kept", "merged_by")
        .order_by("merged_at", "pk")
    )
    into = next((row for row in rows if row.merged_id == idea.pk), None)
    return MergeView(into=into, merged_here=[row for row in rows if row.kept_id == idea.pk])
