"""Reads of the committee's dashboard: the list with what it shows, its counts per status,
and the keys its cache is kept under (the search is `ideas.search.search_ideas`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from ideas import workflow
from ideas.models import Idea, IdeaEvent, IdeaQuestion
from ideas.workflow import Status
from portal.cache import Mark, data_marks, remember
from triage.referrals.models import Referral
from triage.referrals.selectors import overdue_referrals
from triage.review.merges import active_merges
from triage.review.message_templates import (
    MessageTemplate,
    PartnerNeeded,
    message_text_fill,
    template_text_in,
)
from triage.review.models import (
    ConflictDeclaration,
    Note,
    Review,
    ReviewAssignment,
)
from triage.review.selectors import conflicted_member

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The states in which an idea waits for the committee; only these can age.
WAITING_FOR_COMMITTEE = (Status.RECEIVED, Status.SCREENING, Status.IN_REVIEW, Status.ON_HOLD)


def ageing_days() -> int:
    return settings.TRIAGE_AGEING_DAYS


def ageing_cutoff() -> datetime:
    return timezone.now() - timedelta(days=ageing_days())


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT(*) that does not multiply the rows of the outer query."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("idea").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_waiting_since(queryset: QuerySet[Idea]) -> QuerySet[Idea]:
    """Annotate when the idea last changed status (it has waited since then)."""
    last_change = (
        IdeaEvent.objects.filter(idea=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return queryset.annotate(waiting_since=Coalesce(Subquery(last_change), F("created_at")))


def dashboard_ideas(*, user: User) -> QuerySet[Idea]:
    """The ideas of the dashboard list with what the list shows, in a constant number of queries."""
    # A member with a declared conflict counts neither as a review nor as one still missing.
    submitted = Review.objects.filter(idea=OuterRef("pk"), submitted_at__isnull=False)
    counted = submitted.exclude(Exists(conflicted_member()))
    assigned = ReviewAssignment.objects.filter(idea=OuterRef("pk")).exclude(
        Exists(conflicted_member())
    )
    queryset = with_waiting_since(
        not_merged(Idea.objects.all())
        .select_related("municipality")
        .only(
            "reference",
            "title",
            "language",
            "status",
            "is_rural",
            "created_at",
            "municipality__name",
        )
    )
    return queryset.annotate(
        review_count=_count(counted),
        assignment_count=_count(assigned),
        scored_by_me=Exists(submitted.filter(member=user)),
        conflict_declared_by_me=Exists(
            ConflictDeclaration.objects.active().filter(idea=OuterRef("pk"), member=user)
        ),
        assigned_to_me=Exists(ReviewAssignment.objects.filter(idea=OuterRef("pk"), member=user)),
        is_ageing=Case(
            When(
                status__in=WAITING_FOR_COMMITTEE,
                waiting_since__lt=ageing_cutoff(),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        referral_overdue=Exists(overdue_referrals().filter(idea=OuterRef("pk"))),
        answer_waiting=Case(
            When(status=Status.IN_REVIEW, then=Exists(answers_waiting_for_staff())),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def not_merged(queryset: QuerySet[Idea]) -> QuerySet[Idea]:
    """Leave out the ideas merged into another: they are handled with it (triage.review.merges)."""
    return queryset.exclude(Exists(active_merges().filter(merged=OuterRef("pk"))))


def answers_waiting_for_staff() -> QuerySet[IdeaQuestion]:
    """The resident's answers (of the outer idea) no staff member has acted on since: no
    status move by staff and no note written after the answer came in."""
    after_answer = {"idea": OuterRef("idea"), "created_at__gte": OuterRef("answered_at")}
    return (
        IdeaQuestion.objects.filter(idea=OuterRef("pk"), answered_at__isnull=False)
        .exclude(Exists(IdeaEvent.objects.filter(actor__isnull=False, **after_answer)))
        .exclude(Exists(Note.objects.filter(**after_answer)))
    )


# The dashboard's rendered list is kept this long at most; any change it shows renews it sooner.
DASHBOARD_CACHE_SECONDS = 60


def dashboard_version(*, user: User, query: str, language: str, is_coordinator: bool) -> tuple:
    """The version of one user's view of the dashboard (`portal.cache.remember`): it changes
    with everything the list shows.

    New ideas, status changes, reviews, assignments, referral answers, conflicts of interest
    declared or withdrawn, the resident's answers and notes, an erasure each move one of the
    numbers below; so do the hour (ideas age) and the time limit. Edits made in the admin (a
    renamed theme, say) show within DASHBOARD_CACHE_SECONDS.
    """
    # One round trip for all the marks (portal.cache.data_marks).
    parts: list[Mark] = [
        (Idea, "MAX", "id"),
        # An erasure: the list must not keep showing the owner's organisation.
        (Idea, "MAX", "anonymised_at"),
        (IdeaEvent, "MAX", "id"),
        (Review, "MAX", "updated_at"),
        (ReviewAssignment, "MAX", "id"),
        (ReviewAssignment, "COUNT", "id"),
        (Referral, "MAX", "id"),
        (Referral, "MAX", "answered_at"),
        (ConflictDeclaration, "MAX", "id"),
        (ConflictDeclaration, "MAX", "withdrawn_at"),
        # The "answered, waiting for you" mark: an answer comes in, a note is written.
        (IdeaQuestion, "MAX", "answered_at"),
        (Note, "MAX", "id"),
    ]
    marks = (*data_marks(parts), timezone.now().strftime("%Y%m%d%H"))
    return (user.pk, language, is_coordinator, marks, sorted(query.split("&")))


def attach_theme_names(ideas: list[Idea]) -> list[Idea]:
    """Give each idea of a page `theme_names`, read in one query.

    Cheaper than prefetch_related, which builds a queryset per idea: on a 50-row page that
    was a quarter of the dashboard's time.
    """
    names: dict[int, list[str]] = {idea.pk: [] for idea in ideas}
    rows = (
        Idea.themes.through.objects.filter(idea_id__in=names)
        .order_by("theme__order", "theme__name_sv")
        .values_list("idea_id", "theme__name_sv", "theme__name_en", "theme__name_ar")
    )
    language = (get_language() or "sv")[:2]
    for idea_id, name_sv, name_en, name_ar in rows:
        names[idea_id].append({"en": name_en, "ar": name_ar or name_en}.get(language, name_sv))
    for idea in ideas:
        # A page's attribute, read by the list's template; not a field of the model.
        idea.theme_names = names[idea.pk]  # type: ignore[attr-defined]
    return ideas


@dataclass(frozen=True)
class StatusCount:
    status: Status
    total: int
    ageing: int


# The counts are kept this long at most; any status change or new idea renews them sooner.
STATUS_COUNTS_SECONDS = 60


def status_counts() -> list[StatusCount]:
    """Count the ideas in each status, and how many of them have waited too long.

    Counting the ageing ideas reads every idea's last status change, which costs more than the
    rest of the dashboard; so the result is cached under a key that changes with every new idea
    or status change (each writes an IdeaEvent) and with the hour (ideas age with the clock).
    """
    last_event = IdeaEvent.objects.order_by("-pk").values_list("pk", "created_at").first()
    last_idea = Idea.objects.order_by("-pk").values_list("pk", flat=True).first()
    return remember(
        "triage:status_counts",
        version=(last_event, last_idea, ageing_days(), timezone.now().strftime("%Y%m%d%H")),
        compute=_status_counts,
        timeout=STATUS_COUNTS_SECONDS,
    )


def _status_counts() -> list[StatusCount]:
    cutoff = ageing_cutoff()
    rows = (
        with_waiting_since(not_merged(Idea.objects.order_by()))
        .values("status")
        .annotate(
            total=Count("pk"),
            ageing=Count(
                "pk", filter=Q(status__in=WAITING_FOR_COMMITTEE, waiting_since__lt=cutoff)
            ),
        )
    )
    by_status = {row["status"]: (row["total"], row["ageing"]) for row in rows}
    return [StatusCount(status, *by_status.get(status, (0, 0))) for status in Status]


@dataclass(frozen=True)
class DeclineGroup:
    """The ideas of a batch decline whose owners read one language, and what one of them reads."""

    language: str
    ideas: list[Idea]
    sample_text: str = ""
    fell_back: bool = False

    @property
    def sample(self) -> Idea:
        return self.ideas[0]

    @property
    def name(self) -> str:
        return str(dict(settings.LANGUAGES).get(self.language, self.language))


@dataclass(frozen=True)
class DeclinePreview:
    groups: list[DeclineGroup]
    # Ideas the workflow would not decline, each with why: left out of the batch.
    blocked: list[tuple[Idea, str]]

    @property
    def languages(self) -> list[str]:
        return [group.language for group in self.groups]

    @property
    def declinable(self) -> list[Idea]:
        return [idea for group in self.groups for idea in group.ideas]


def decline_preview(
    *,
    ideas: list[Idea],
    actor: User,
    texts: dict[str, str] | None = None,
    template: MessageTemplate | None = None,
) -> DeclinePreview:
    """The ticked ideas grouped by their owner's language (in the portal's order), each group
    with the message one owner of it would read (`texts`, filled for that owner's idea); and the
    ideas the workflow would refuse to decline, with why. No query beyond the ideas'."""
    by_language: dict[str, list[Idea]] = {}
    blocked = []
    for idea in ideas:
        try:
            # Any text stands in for the message: only the move itself is checked here.
            workflow.check(idea.status, Status.DECLINED, actor, "-")
        except workflow.TransitionNotAllowed as error:
            blocked.append((idea, str(error)))
        else:
            by_language.setdefault(idea.language, []).append(idea)
    order = [code for code, _name in settings.LANGUAGES]
    groups = []
    for language in sorted(by_language, key=lambda c: order.index(c) if c in order else 99):
        members = by_language[language]
        text = (texts or {}).get(language, "")
        try:
            sample = message_text_fill(text, members[0], language)
        except PartnerNeeded:  # a placeholder a decline cannot fill: the form says so
            sample = text
        groups.append(
            DeclineGroup(
                language=language,
                ideas=members,
                sample_text=sample,
                fell_back=template is not None and template_text_in(template, language)[2],
            )
        )
    return DeclinePreview(groups=groups, blocked=blocked)
