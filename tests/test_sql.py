"""The database computes the statistics' medians (portal.sql): the same figure as Python's
statistics.median, on SQLite and on PostgreSQL, without reading the rows."""

import random
import statistics
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Case, F, FloatField, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.models import Idea
from portal.sql import DaysBetween, median, medians
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def ideas_waiting(days: list[float]) -> None:
    now = timezone.now()
    for value in days:
        idea = IdeaFactory()
        Idea.objects.filter(pk=idea.pk).update(
            created_at=now - timedelta(days=value), updated_at=now
        )


def waited():
    return Idea.objects.annotate(waited=DaysBetween(F("updated_at"), F("created_at")))


@pytest.mark.parametrize(
    "days", [[4.0], [2.0, 10.0, 4.0], [1.0, 2.0, 3.0, 10.0], [7.5, 0.5, 3.25, 3.25, 12.0, 1.0]]
)
def test_the_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones(days):
    ideas_waiting(days)

    with CaptureQueriesContext(connection) as queries:
        found = median(waited(), "waited")

    assert found == pytest.approx(statistics.median(days), abs=1e-4)
    assert len(queries.captured_queries) == 1


def test_the_median_of_no_rows_is_none_in_one_query():
    with CaptureQueriesContext(connection) as queries:
        assert median(waited(), "waited") is None
    assert len(queries.captured_queries) == 1


def test_the_median_of_many_rows_matches_python():
    rng = random.Random(18)
    days = [round(rng.uniform(0, 300), 2) for _ in range(41)]
    ideas_waiting(days)

    assert median(waited(), "waited") == pytest.approx(statistics.median(days), abs=1e-4)
    assert median(waited().filter(pk__lt=0), "waited") is None


def test_several_medians_are_each_the_median_of_its_own_values_in_one_query_on_postgresql():
    days = [1.0, 2.0, 3.0, 10.0, 7.5, 0.5, 12.0]
    ideas_waiting(days)
    cutoff = timezone.now() - timedelta(days=2.5)
    both = waited().annotate(
        # Only the ideas that waited more than two and a half days: NULL for the others.
        long_wait=Case(
            When(created_at__lt=cutoff, then=DaysBetween(F("updated_at"), F("created_at"))),
            default=None,
            output_field=FloatField(),
        ),
        never=Case(default=None, output_field=FloatField()),
    )

    with CaptureQueriesContext(connection) as queries:
        found = medians(both, "waited", "long_wait", "never")

    assert found["waited"] == pytest.approx(statistics.median(days), abs=1e-4)
    assert found["long_wait"] == pytest.approx(
        statistics.median([d for d in days if d > 2.5]), abs=1e-4
    )
    assert found["never"] is None
    assert found["waited"] == pytest.approx(median(both, "waited"), abs=1e-9)
    assert found["long_wait"] == pytest.approx(median(both, "long_wait"), abs=1e-9)
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 3)
