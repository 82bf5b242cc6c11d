"""The follow-up survey: some months after a partner reports support, the idea's owner is asked
how it went (1–5, what happened, anything the partnership should know).

One survey per referral, sent once (the survey row is unique per referral and its mail has an
idempotency key), never to a withdrawn idea or one whose owner erased their data. The mail
carries a random token of which only the SHA-256 hash is kept, like the tracking link: the
survey's page cannot be found by guessing, and a copy of the database opens none. Erasure
clears the owner's free text (`follow_up_erase`, in `ideas.hooks.before_erasure`).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas import workflow
from ideas.models import Idea
from ideas.services import owner_mail
from ideas.tokens import hash_token
from portal.domain import DomainError
from portal.outbox.models import MessageKind
from triage.referrals.models import Referral, SupportReport

# The outbox key of the survey mail: "follow-up:<referral id>".
FOLLOW_UP_KEY = "follow-up"
RATINGS = range(1, 6)
TEXT_MAX_LENGTH = 2000


class FollowUpSurvey(models.Model):
    """The owner's answers about the support one partner gave, stored with the referral."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="follow_up_survey"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(gettext_lazy("sent"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(
        gettext_lazy("got the help needed (1–5)"), null=True, blank=True
    )
    what_happened = models.TextField(
        gettext_lazy("what happened"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    for_the_partnership = models.TextField(
        gettext_lazy("what the partnership should know"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    answered_at = models.DateTimeField(gettext_lazy("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = gettext_lazy("follow-up survey")
        verbose_name_plural = gettext_lazy("follow-up surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="follow_up_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(rating__isnull=False),
                name="follow_up_answer_has_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.rating or '–'}"


class FollowUpError(DomainError):
    """A survey that cannot be answered, with a kind message for the owner."""


class FollowUpAlreadyAnswered(FollowUpError):
    default_message = gettext_lazy(
        "You have already answered these questions. Thank you! We keep your first answers."
    )


class FollowUpClosed(FollowUpError):
    default_message = gettext_lazy("These questions can no longer be answered.")


@dataclass(frozen=True)
class FollowUpRun:
    sent: int = 0


def survey_url(token: str) -> str:
    return settings.SITE_URL + reverse("follow_up:survey", kwargs={"token": token})


def owner_may_be_asked(idea: Idea) -> bool:
    """Only an owner still reachable: not withdrawn, not erased, with an email address."""
    return (
        idea.status != workflow.Status.WITHDRAWN
        and idea.anonymised_at is None
        and bool(idea.submitter_email)
    )


def referrals_due_for_follow_up(now: datetime | None = None) -> QuerySet[Referral]:
    """Referrals whose first support report is FOLLOW_UP_SURVEY_MONTHS old and whose owner has
    not been asked yet; withdrawn and erased ideas are left out."""
    cutoff = (now or timezone.now()) - relativedelta(months=settings.FOLLOW_UP_SURVEY_MONTHS)
    first_report = (
        SupportReport.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    asked = FollowUpSurvey.objects.filter(referral=OuterRef("pk"))
    return (
        Referral.objects.annotate(first_report=models.Subquery(first_report))
        .filter(first_report__lte=cutoff, idea__anonymised_at__isnull=True)
        .exclude(idea__status=workflow.Status.WITHDRAWN)
        .exclude(idea__submitter_email="")
        .exclude(Exists(asked))
        .select_related("idea", "partner")
        .order_by("first_report", "pk")
    )


@transaction.atomic
def follow_up_send(*, referral: Referral) -> FollowUpSurvey | None:
    """Ask the owner how the partner's support went, once per referral; None if already asked
    or the owner may not be asked (withdrawn, erased, no address)."""
    locked = (
        Referral.objects.select_for_update().select_related("idea", "partner").get(pk=referral.pk)
    )
    if not owner_may_be_asked(locked.idea):
        return None
    token = secrets.token_urlsafe(24)
    survey, created = FollowUpSurvey.objects.get_or_create(
        referral=locked, defaults={"token_hash": hash_token(token)}
    )
    if not created:
        return None
    owner_mail(
        idea=locked.idea,
        kind=MessageKind.QUESTION,
        template="follow_up_survey",
        context={"referral": locked, "survey_url": survey_url(token)},
        idempotency_key=f"{FOLLOW_UP_KEY}:{locked.pk}",
    )
    return survey


def follow_ups_send(*, now: datetime | None = None) -> FollowUpRun:
    """Send every survey that is due; running it again sends nothing new."""
    sent = 0
    for referral in referrals_due_for_follow_up(now):
        if follow_up_send(referral=referral) is not None:
            sent += 1
    return FollowUpRun(sent=sent)


def survey_for_token(token: str) -> FollowUpSurvey | None:
    """The survey a link points to; an unknown token finds nothing."""
    if not token or len(token) > 100:
        return None
    return (
        FollowUpSurvey.objects.select_related("referral__idea", "referral__partner")
        .filter(token_hash=hash_token(token))
        .first()
    )


def survey_check_open(survey: FollowUpSurvey) -> None:
    """Raise a FollowUpError when the survey cannot be answered (any more)."""
    if not owner_may_be_asked(survey.referral.idea):
        raise FollowUpClosed
    if survey.answered_at is not None:
        raise FollowUpAlreadyAnswered


@transaction.atomic
def follow_up_answer(
    *, survey: FollowUpSurvey, rating: int, what_happened: str = "", for_the_partnership: str = ""
) -> FollowUpSurvey:
    """Store the owner's answers, once: a second answer is refused and the first one kept."""
    locked = (
        FollowUpSurvey.objects.select_for_update()
        .select_related("referral__idea")
        .get(pk=survey.pk)
    )
    survey_check_open(locked)
    if rating not in RATINGS:
        raise FollowUpError(_("Choose a number from 1 to 5."))
    locked.rating = rating
    locked.what_happened = what_happened.strip()
    locked.for_the_partnership = for_the_partnership.strip()
    locked.answered_at = timezone.now()
    locked.full_clean()
    locked.save()
    return locked


def follow_up_erase(idea: Idea) -> int:
    """Clear the owner's own words in the idea's surveys (the rating, which names nobody,
    stays for the statistics); give how many surveys were cleared. Called by the erasure
    through `ideas.hooks.before_erasure`."""
    return FollowUpSurvey.objects.filter(referral__idea=idea).update(
        what_happened="", for_the_partnership=""
    )
