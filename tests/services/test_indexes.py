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


def test_matching_reads_the_themes_of_the_referred_ideas_only_whatever_the_statistics():
    """How each partner answered ideas on the same themes (similar_answers, on every idea
    page): the themes are looked up per answered referral, by the idea's index. As a semi join
    the planner, with statistics older than the newest referrals, walked the themes of every
    idea up to the newest one: 11 ms instead of 0.3 at 100,000 ideas."""
    from django.test.utils import CaptureQueriesContext

    from partners.selectors import idea_profile
    from tests.factories import ReferralFactory, ThemeFactory
    from triage.referrals.registry_activity import similar_answers

    theme = ThemeFactory()
    answered = [
        ReferralFactory(idea=IdeaFactory(themes=[theme]), state=state)
        for state in ("accepted", "declined", "accepted")
    ]
    idea = IdeaFactory(themes=[theme])
    with CaptureQueriesContext(connection) as queries:
        counts = similar_answers(idea_profile(idea), idea_id=idea.pk)
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at 100,000 ideas: no table scan
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert sum(accepted for accepted, _answered, _declined in counts.values()) == 2
    assert {referral.partner_id for referral in answered} == set(counts)
    assert "Semi Join" not in plan, plan
    assert "SubPlan" in plan and "(idea_id = triage_referral.idea_id)" in plan, plan
