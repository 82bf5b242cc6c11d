from datetime import timedelta

import pytest
from django.utils import timezone

from ideas import workflow
from ideas.models import IdeaEvent
from ideas.tasks import apply_retention
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def finished(status: str, *, days_ago: int, **fields):
    idea = IdeaFactory(status=status, submitter_phone="070-123 45 67", **fields)
    IdeaEvent.objects.filter(idea=idea).update(created_at=timezone.now() - timedelta(days=days_ago))
    return idea


def test_personal_data_of_finished_ideas_is_anonymised_after_the_retention_time(settings):
    settings.IDEA_RETENTION_MONTHS = 24
    old_closed = finished(workflow.Status.CLOSED, days_ago=800, title="Bygdegård")
    old_withdrawn = finished(workflow.Status.WITHDRAWN, days_ago=800)
    recent_declined = finished(workflow.Status.DECLINED, days_ago=300)
    old_but_open = finished(workflow.Status.IN_REVIEW, days_ago=800)

    assert apply_retention() == 2

    for idea in (old_closed, old_withdrawn):
        idea.refresh_from_db()
        assert idea.anonymised_at is not None
        assert (idea.submitter_email, idea.submitter_phone, idea.submitter_name) == ("", "", "")
    old_closed.refresh_from_db()
    assert old_closed.title == "Bygdegård"  # the content stays for the statistics
    for idea in (recent_declined, old_but_open):
        idea.refresh_from_db()
        assert idea.anonymised_at is None and idea.submitter_email


def test_the_retention_time_is_a_setting(settings):
    idea = finished(workflow.Status.CLOSED, days_ago=100)
    settings.IDEA_RETENTION_MONTHS = 6
    assert apply_retention() == 0
    settings.IDEA_RETENTION_MONTHS = 3
    assert apply_retention() == 1
    idea.refresh_from_db()
    assert idea.anonymised_at is not None
