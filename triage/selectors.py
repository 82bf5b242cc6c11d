"""Reads of the committee that carry rules: the dashboard, scores, conflicts, similar ideas."""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from statistics import fmean

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from ideas.models import Idea, IdeaEvent, IdeaQuestion
from ideas.workflow import Status
from partners.models import Partner
from portal.roles import Role, has_role
from triage.models import (
    ConflictDeclaration,
    Criterion,
    IdeaLink,
    Note,
    Referral,
    ReferralEvent,
    Review,
    ReviewAssignment,
    Score,
)
from triage.referrals.selectors import overdue_referrals
from triage.referrals.suggestions import suggested_partner_id, top_suggestions

# The states in which an idea waits for the committee; only these can age.
WAITING_FOR_COMMITTEE = (Status.RECEIVED, Status.SCREENING, Status.IN_REVIEW, Status.ON_HOLD)


def ageing_days() -> int:
    return int(getattr(settings, "TRIAGE_AGEING_DAYS", 14))


def ageing_cutoff():
    return timezone.now() - timedelta(days=ageing_days())


def _count(queryset: QuerySet) -> Subquery:
    """A correlated COUNT(*) that does not multiply the rows of the outer query."""
    return Coalesce(
        Subquery(queryset.order_by().values("idea").annotate(n=Count("pk")).values("n")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


def with_waiting_since(queryset: QuerySet[Idea]) -> QuerySet[Idea]:
    """Annotate when the idea last changed status (it has waited since then)."""
    last_change = (IdeaEvent.objects.filter(idea=OuterRef("pk")).order_by("-created_at")
                   .values("created_at")[:1])
    return queryset.annotate(waiting_since=Coalesce(Subquery(last_change), F("created_at")))


def conflicted_member() -> QuerySet[ConflictDeclaration]:
    """An active conflict of the outer row's member on the outer row's idea (for Exists)."""
    return ConflictDeclaration.objects.active().filter(idea=OuterRef("idea"),
                                                       member=OuterRef("member"))


def dashboard_ideas(*, user) -> QuerySet[Idea]:
    """The ideas of the dashboard list with what the list shows, in a constant number of queries."""
    # A member with a declared conflict counts neither as a review nor as one still missing.
    submitted = Review.objects.filter(idea=OuterRef("pk"), submitted_at__isnull=False)
    counted = submitted.exclude(Exists(conflicted_member()))
    assigned = ReviewAssignment.objects.filter(idea=OuterRef("pk")).exclude(
        Exists(conflicted_member()))
    queryset = with_waiting_since(
        Idea.objects.select_related("municipality")
        .only("reference", "title", "status", "is_rural", "created_at", "municipality__name")
    )
    return queryset.annotate(
        review_count=_count(counted),
        assignment_count=_count(assigned),
        scored_by_me=Exists(submitted.filter(member=user)),
        conflict_declared_by_me=Exists(
            ConflictDeclaration.objects.active().filter(idea=OuterRef("pk"), member=user)),
        assigned_to_me=Exists(ReviewAssignment.objects.filter(idea=OuterRef("pk"), member=user)),
        is_ageing=Case(
            When(status__in=WAITING_FOR_COMMITTEE, waiting_since__lt=ageing_cutoff(),
                 then=Value(True)),
            default=Value(False), output_field=BooleanField(),
        ),
        referral_overdue=Exists(overdue_referrals().filter(idea=OuterRef("pk"))),
        answer_waiting=Case(
            When(status=Status.IN_REVIEW, then=Exists(answers_waiting_for_staff())),
            default=Value(False), output_field=BooleanField(),
        ),
    )


def answers_waiting_for_staff() -> QuerySet[IdeaQuestion]:
    """The resident's answers (of the outer idea) no staff member has acted on since: no
    status move by staff and no note written after the answer came in."""
    after_answer = {"idea": OuterRef("idea"), "created_at__gte": OuterRef("answered_at")}
    return (IdeaQuestion.objects.filter(idea=OuterRef("pk"), answered_at__isnull=False)
            .exclude(Exists(IdeaEvent.objects.filter(actor__isnull=False, **after_answer)))
            .exclude(Exists(Note.objects.filter(**after_answer))))


# The dashboard's rendered list is kept this long at most; any change it shows renews it sooner.
DASHBOARD_CACHE_SECONDS = 60


def dashboard_cache_key(*, user, query: str, language: str, is_coordinator: bool) -> str:
    """A key for one user's view of the dashboard that changes with everything the list shows.

    New ideas, status changes, reviews, assignments, referral answers, conflicts of interest
    declared or withdrawn, the resident's answers and notes each move one of the
    numbers below; so do the hour (ideas age) and the time limit. Edits made in the admin (a
    renamed theme, say) show within DASHBOARD_CACHE_SECONDS.
    """
    from triage.models import Referral

    # One round trip for all the marks; only table and column names from the models go in.
    parts = [
        (Idea, "MAX", "id"), (IdeaEvent, "MAX", "id"), (Review, "MAX", "updated_at"),
        (ReviewAssignment, "MAX", "id"), (ReviewAssignment, "COUNT", "id"),
        (Referral, "MAX", "id"), (Referral, "MAX", "answered_at"),
        (ConflictDeclaration, "MAX", "id"), (ConflictDeclaration, "MAX", "withdrawn_at"),
        # The "answered, waiting for you" mark: an answer comes in, a note is written.
        (IdeaQuestion, "MAX", "answered_at"), (Note, "MAX", "id"),
    ]
    sql = "SELECT " + ", ".join(
        f"(SELECT {function}({connection.ops.quote_name(column)}) "  # noqa: S608
        f"FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model, function, column in parts
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        marks = (*cursor.fetchone(), timezone.now().strftime("%Y%m%d%H"))
    digest = hashlib.sha256(repr((marks, sorted(query.split("&")))).encode()).hexdigest()[:32]
    return f"triage:dashboard:{user.pk}:{language}:{int(is_coordinator)}:{digest}"


def attach_theme_names(ideas: list[Idea]) -> list[Idea]:
    """Give each idea of a page `theme_names`, read in one query.

    Cheaper than prefetch_related, which builds a queryset per idea: on a 50-row page that
    was a quarter of the dashboard's time.
    """
    names: dict[int, list[str]] = {idea.pk: [] for idea in ideas}
    rows = (Idea.themes.through.objects.filter(idea_id__in=names)
            .order_by("theme__order", "theme__name_sv")
            .values_list("idea_id", "theme__name_sv", "theme__name_en", "theme__name_ar"))
    language = (get_language() or "sv")[:2]
    for idea_id, name_sv, name_en, name_ar in rows:
        names[idea_id].append({"en": name_en, "ar": name_ar or name_en}.get(language, name_sv))
    for idea in ideas:
        idea.theme_names = names[idea.pk]
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
    version = repr((last_event, last_idea, ageing_days(), timezone.now().strftime("%Y%m%d%H")))
    key = "triage:status_counts:" + hashlib.sha256(version.encode()).hexdigest()[:32]
    counts = cache.get(key)
    if counts is None:
        counts = _status_counts()
        cache.set(key, counts, STATUS_COUNTS_SECONDS)
    return counts


def _status_counts() -> list[StatusCount]:
    cutoff = ageing_cutoff()
    rows = (
        with_waiting_since(Idea.objects.order_by())
        .values("status")
        .annotate(total=Count("pk"),
                  ageing=Count("pk", filter=Q(status__in=WAITING_FOR_COMMITTEE,
                                              waiting_since__lt=cutoff)))
    )
    by_status = {row["status"]: row for row in rows}
    return [
        StatusCount(status, by_status.get(status, {}).get("total", 0),
                    by_status.get(status, {}).get("ageing", 0))
        for status in Status
    ]


def search_ideas(queryset: QuerySet[Idea], text: str) -> QuerySet[Idea]:
    """Full-text search on PostgreSQL (Swedish stemming), a plain substring search elsewhere."""
    text = text.strip()[:200]
    if not text:
        return queryset
    by_reference = Q(reference__iexact=text)
    if connection.vendor == "postgresql":
        # The stored, indexed document of migration triage 0006 (title weighs most).
        query = "websearch_to_tsquery('pg_catalog.swedish', %s)"
        # The text goes in as a parameter, never into the SQL string.
        matches = RawSQL(f'"ideas_idea"."search_document" @@ {query}', (text,),  # noqa: S611
                         output_field=BooleanField())
        rank = RawSQL(f'ts_rank("ideas_idea"."search_document", {query})', (text,),  # noqa: S611
                      output_field=FloatField())
        return queryset.annotate(rank=rank).filter(Q(matches) | by_reference)
    words = Q()
    for word in text.split()[:8]:
        words &= (Q(title__icontains=word) | Q(description__icontains=word)
                  | Q(need__icontains=word) | Q(place__icontains=word)
                  | Q(organisation_name__icontains=word))
    return queryset.filter(words | by_reference)


def committee_members() -> QuerySet:
    """The users who review ideas: committee members and the coordinator."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(groups__name__in=[Role.COMMITTEE_MEMBER, Role.COORDINATOR])
                    | Q(is_superuser=True))
            .distinct().order_by("first_name", "username")
            .only("pk", "username", "first_name", "last_name"))


# -- scores -----------------------------------------------------------------------------------

@dataclass
class CriterionResult:
    criterion: Criterion
    mean: float | None
    count: int


@dataclass
class Aggregate:
    """The committee's scores of one idea: weighted mean, spread and how many have scored."""

    mean: float | None = None
    spread: float | None = None
    count: int = 0
    per_criterion: list[CriterionResult] = field(default_factory=list)


def weighted_mean(scores: list[Score]) -> float | None:
    """One member's weighted mean over the criteria the member could judge."""
    judged = [score for score in scores if score.value is not None]
    total_weight = sum(Decimal(score.criterion.weight) for score in judged)
    if not total_weight:
        return None
    return float(sum(Decimal(score.criterion.weight) * score.value for score in judged)
                 / total_weight)


def aggregate(reviews: list[Review], excluded_member_ids: set[int]) -> Aggregate:
    """Combine the submitted reviews; members with a declared conflict are left out.

    The mean is the mean of the members' weighted means; the spread is the highest minus the
    lowest of them, so one number tells whether the committee agrees.
    """
    counted = [review for review in reviews
               if review.submitted_at and review.member_id not in excluded_member_ids]
    member_means = [m for m in (weighted_mean(list(r.scores.all())) for r in counted)
                    if m is not None]
    per_criterion: dict[int, list] = {}
    criteria: dict[int, Criterion] = {}
    for review in counted:
        for score in review.scores.all():
            criteria[score.criterion_id] = score.criterion
            if score.value is not None:
                per_criterion.setdefault(score.criterion_id, []).append(score.value)
    return Aggregate(
        mean=fmean(member_means) if member_means else None,
        spread=(max(member_means) - min(member_means)) if member_means else None,
        count=len(counted),
        per_criterion=[
            CriterionResult(criterion, fmean(per_criterion[pk]) if per_criterion.get(pk) else None,
                            len(per_criterion.get(pk, [])))
            for pk, criterion in sorted(criteria.items(),
                                        key=lambda item: (item[1].order, item[1].name))
        ],
    )


def reviews_with_scores() -> Prefetch:
    return Prefetch(
        "reviews",
        queryset=Review.objects.select_related("member").prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion"))
        ),
    )


def may_see_others_scores(*, user, reviews: list[Review]) -> bool:
    """A member sees others' scores only after submitting their own; the coordinator always."""
    if has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR):
        return True
    return any(review.member_id == user.pk and review.submitted_at for review in reviews)


def active_criteria() -> QuerySet[Criterion]:
    return Criterion.objects.filter(is_active=True)


# -- conflicts of interest ------------------------------------------------------------------

def member_organisations(user) -> list[Partner]:
    return list(Partner.objects.filter(members__member=user).order_by("name"))


def conflict_reasons(*, idea: Idea, organisations: list[Partner],
                     suggestions: list | None = None) -> list[Partner]:
    """The member's organisations that make a conflict likely: the idea comes from one of them,
    or one of them is among the top suggested partners."""
    if not organisations:
        return []
    idea_org = idea.organisation_name.strip().casefold()
    top = {suggested_partner_id(s) for s in top_suggestions(suggestions)}
    return [org for org in organisations
            if (idea_org and org.name.strip().casefold() == idea_org) or org.pk in top]


# -- an idea's page -----------------------------------------------------------------------------

def idea_for_page(reference: str) -> Idea | None:
    """Load an idea with everything its page shows, in a fixed number of queries."""
    return (
        Idea.objects.select_related("municipality")
        .prefetch_related(
            "themes", "support_wanted",
            Prefetch("events", queryset=IdeaEvent.objects.select_related("actor")),
            Prefetch("questions", queryset=IdeaQuestion.objects.select_related("asked_by")),
            Prefetch("referrals", queryset=Referral.objects.select_related("partner")
                     .prefetch_related("answers", "support_reports__kind",
                                       Prefetch("events", queryset=ReferralEvent.objects
                                                .select_related("actor")))),
            Prefetch("notes", queryset=Note.objects.filter(parent=None)
                     .select_related("author")
                     .prefetch_related(Prefetch("replies", queryset=Note.objects
                                                .select_related("author")))),
            Prefetch("conflicts", queryset=ConflictDeclaration.objects.select_related(
                "member", "withdrawn_by")),
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("member")),
            reviews_with_scores(),
        )
        .filter(reference=reference)
        .first()
    )


@dataclass(frozen=True)
class HistoryLine:
    """One line of the committee's history of an idea; `answer` is the resident's answer
    that made this move (the question it answers is `answer.question`)."""

    event: IdeaEvent
    answer: IdeaQuestion | None = None


def idea_history(idea: Idea) -> list[HistoryLine]:
    """The status changes with the resident's answers beside the moves they made (needs
    `events` and `questions` prefetched, as `idea_for_page` does)."""
    answered = sorted((q for q in idea.questions.all() if q.answered_at),
                      key=lambda q: q.answered_at)
    lines = []
    for event in idea.events.all():
        answer = None
        if (event.from_status == Status.NEEDS_INFORMATION and event.actor_id is None
                and event.actor_label == "resident"):
            # The answer is saved just before the move it causes, in the same transaction.
            earlier = [q for q in answered if q.answered_at <= event.created_at]
            answer = earlier[-1] if earlier else None
        lines.append(HistoryLine(event=event, answer=answer))
    return lines


def linked_ideas(idea: Idea) -> list[Idea]:
    links = IdeaLink.objects.filter(Q(first=idea) | Q(second=idea)).values_list("first",
                                                                                 "second")
    ids = {pk for pair in links for pk in pair} - {idea.pk}
    return list(Idea.objects.filter(pk__in=ids).only("pk", "reference", "title", "status"))


_WORD = re.compile(r"\w{4,}", re.UNICODE)
SIMILARITY_THRESHOLD = 0.15
# Only this many of the newest ideas are compared: older ones rarely matter at a meeting, and
# comparing every idea would make the page slower as the portal grows.
SIMILAR_CANDIDATES = 500
FALLBACK_CANDIDATES = 300


def _words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text)}


def similar_ideas(idea: Idea, *, limit: int = 5) -> list[Idea]:
    """Ideas like this one: trigram similarity on PostgreSQL, shared words elsewhere."""
    fields = ("pk", "reference", "title", "status")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        # The candidates first, by the created_at index; so the similarity is computed for
        # them only, not for every idea before the planner applies the limit.
        recent = list(Idea.objects.exclude(pk=idea.pk).order_by("-created_at")
                      .values_list("pk", flat=True)[:SIMILAR_CANDIDATES])
        return list(
            Idea.objects.filter(pk__in=recent).only(*fields)
            .annotate(similarity=TrigramSimilarity("title", idea.title) * 2
                      + TrigramSimilarity("description", idea.description[:200]))
            .filter(similarity__gt=SIMILARITY_THRESHOLD * 3)
            .order_by("-similarity")[:limit]
        )
    mine = _words(f"{idea.title} {idea.description}")
    if not mine:
        return []
    rows = (Idea.objects.exclude(pk=idea.pk).order_by("-created_at")
            .values_list("pk", "title", "description")[:FALLBACK_CANDIDATES])
    scores = {}
    for pk, title, description in rows:
        theirs = _words(f"{title} {description}")
        overlap = len(mine & theirs) / len(mine | theirs) if theirs else 0
        if overlap >= SIMILARITY_THRESHOLD:
            scores[pk] = overlap
    best = sorted(scores, key=lambda pk: -scores[pk])[:limit]
    found = {other.pk: other for other in Idea.objects.filter(pk__in=best).only(*fields)}
    return [found[pk] for pk in best if pk in found]


# -- the meeting --------------------------------------------------------------------------------

def meeting_agenda() -> QuerySet[Idea]:
    """Ideas in review whose assigned reviews are all in (members with a conflict excepted)."""
    assigned = ReviewAssignment.objects.filter(idea=OuterRef("pk"))
    pending = assigned.exclude(
        Exists(Review.objects.filter(idea=OuterRef("idea"), member=OuterRef("member"),
                                     submitted_at__isnull=False))
    ).exclude(Exists(conflicted_member()))
    return (
        Idea.objects.filter(status=Status.IN_REVIEW)
        .filter(Exists(assigned)).exclude(Exists(pending))
        .select_related("municipality")
        .prefetch_related(
            "themes", reviews_with_scores(),
            Prefetch("conflicts", queryset=ConflictDeclaration.objects.active()
                     .only("idea", "member", "withdrawn_at")),
            Prefetch("questions", queryset=IdeaQuestion.objects.select_related("asked_by")),
        )
        .order_by("created_at")
    )


def excluded_members(idea: Idea) -> set[int]:
    """Members with an active conflict, left out of everything that counts the idea's reviews
    (needs `conflicts` prefetched or queries)."""
    return {conflict.member_id for conflict in idea.conflicts.all() if conflict.is_active}
