"""Keep personal data only as long as needed: anonymise finished ideas after a set time."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_erase_personal_data


def ideas_past_retention(*, now: datetime | None = None) -> QuerySet[Idea]:
    """Closed, declined or withdrawn ideas whose last status change is older than the limit."""
    now = now or timezone.now()
    limit = now - relativedelta(months=settings.IDEA_RETENTION_MONTHS)
    return (
        Idea.objects.filter(status__in=workflow.FINAL_STATES, anonymised_at__isnull=True)
        .annotate(last_change=Max("events__created_at"))
        .filter(last_change__lt=limit)
    )


def retention_apply(*, now: datetime | None = None) -> int:
    """Anonymise every idea past the retention limit; return how many were anonymised."""
    count = 0
    for idea in ideas_past_retention(now=now).iterator():
        idea_erase_personal_data(idea=idea)
        count += 1
    return count
