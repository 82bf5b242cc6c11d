"""Indexes PostgreSQL must use for the queries that run on every staff request (issue 18)."""

import pytest
from django.db import connection

from ideas.models import Idea
from portal.cache import data_marks
from tests.factories import IdeaFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_the_latest_erasure_is_read_from_the_partial_index_not_from_every_idea():
    IdeaFactory.create_batch(3)

    # The dashboard's cache key asks for this on every request (dashboard_version).
    assert data_marks([(Idea, "MAX", "anonymised_at")]) == (None,)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at 100,000 ideas: no table scan
        cursor.execute('EXPLAIN SELECT MAX("anonymised_at") FROM "ideas_idea"')
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "ideas_idea_anonymised" in plan, plan


def test_the_idea_pages_duplicate_candidates_are_read_from_the_open_ideas_index():
    from django.test.utils import CaptureQueriesContext

    from triage.review.similarity import _candidates

    idea, *_others = IdeaFactory.create_batch(3, language="sv")
    with CaptureQueriesContext(connection) as queries:
        _candidates(idea)
    sql, params = queries.captured_queries[-1]["sql"], None
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at 100,000 ideas: no table scan
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Without it every idea of the table is read for the 300 newest open ones of the language.
    assert "ideas_idea_open_by_language" in plan, plan
