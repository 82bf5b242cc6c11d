"""Matching speed: one idea against 40 and against 10,000 partners, database reads included.

`run()` expects Django set up with a migrated database. It builds its partners, ideas and
referrals inside a transaction that it rolls back, so it leaves the database as it found it.
Existing partners are switched off inside that transaction, so exactly N partners compete.
"""

import statistics
import time
from itertools import cycle

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.models import Idea, Municipality, SupportKind, Theme
from partners.models import Partner
from triage.models import Referral
from triage.referrals.registry_activity import suggestions_for_idea

SIZES = ((40, 5.0, 40), (10_000, 200.0, 7))  # partners, target in ms, repeats
PAST_IDEAS = 5


def _idea(tag: str, number: int, municipality, themes, supports) -> Idea:
    idea = Idea.objects.create(
        reference=f"B-{tag}-{number}",
        title=f"Bench idea {number}",
        description="Bench",
        municipality=municipality,
        consent_version="bench",
        consent_given_at=timezone.now(),
        tracking_token_hash=f"bench-{tag}-{number}",
        organisation_kind="association",
    )
    idea.themes.set(themes)
    idea.support_wanted.set(supports)
    return idea


def _add_partners(tag: str, start: int, stop: int, themes, supports, places) -> list[int]:
    """Create partners start..stop-1 with themes, support and places in bulk; return their ids."""
    partners = Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bench {tag} {i:05d}",
                slug=f"bench-{tag}-{i:05d}",
                kind="association",
                is_civil_society=i % 2 == 0,
                covers_whole_county=i % 5 == 0,
                languages=["sv", "en"] if i % 3 else ["sv"],
                capacity=1 + i % 6,
            )
            for i in range(start, stop)
        ]
    )
    ids = [partner.pk for partner in partners]
    theme_cycle, support_cycle, place_cycle = cycle(themes), cycle(supports), cycle(places)
    Partner.themes.through.objects.bulk_create(
        [
            Partner.themes.through(partner_id=pk, theme_id=next(theme_cycle).pk)
            for pk in ids
            for _ in range(3)
        ],
        ignore_conflicts=True,
    )
    Partner.support_kinds.through.objects.bulk_create(
        [
            Partner.support_kinds.through(partner_id=pk, supportkind_id=next(support_cycle).pk)
            for pk in ids
            for _ in range(2)
        ],
        ignore_conflicts=True,
    )
    Partner.municipalities.through.objects.bulk_create(
        [
            Partner.municipalities.through(partner_id=pk, municipality_id=next(place_cycle).pk)
            for pk in ids
        ]
    )
    return ids


def _add_referrals(past_ideas: list[Idea], partner_ids: list[int]) -> None:
    """Give about one partner in seven a history: open, accepted and declined referrals."""
    states = cycle(["sent", "accepted", "declined", "support_finished", "question"])
    Referral.objects.bulk_create(
        [
            Referral(idea=idea, partner_id=pk, state=next(states))
            for index, idea in enumerate(past_ideas)
            for pk in partner_ids[index::7]
        ]
    )


def _fresh_idea(idea_pk: int) -> Idea:
    """The idea as the triage page has it: with its municipality, nothing else cached."""
    return Idea.objects.select_related("municipality").get(pk=idea_pk)


def _measure(idea_pk: int, repeats: int) -> tuple[float, float, int]:
    """Median milliseconds of reading the profiles and ranking every partner; and the queries.

    The idea itself is loaded before the clock starts (its page has it already); its themes,
    kinds of support, the partners, their links and referral counts are read inside.
    """
    idea = _fresh_idea(idea_pk)
    with CaptureQueriesContext(connection) as queries:
        suggestions_for_idea(idea)
    timings, cpu_timings = [], []
    for _ in range(repeats):
        idea = _fresh_idea(idea_pk)
        started, cpu_started = time.perf_counter(), time.process_time()
        suggestions_for_idea(idea)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
    return statistics.median(timings), statistics.median(cpu_timings), len(queries.captured_queries)


def run(sizes: tuple[tuple[int, float, int], ...] = SIZES) -> list[dict]:
    """Measure each (partners, target ms, repeats) of `sizes`; leave the database untouched."""
    rows: list[dict] = []
    tag = f"{time.time_ns() % 16**8:08x}"  # short: an idea reference has at most 20 characters
    with transaction.atomic():
        Partner.objects.filter(is_active=True).update(is_active=False)
        themes = list(Theme.objects.order_by("pk"))
        supports = list(SupportKind.objects.order_by("pk"))
        places = list(Municipality.objects.filter(is_whole_county=False).order_by("pk"))
        idea = _idea(tag, 0, places[0], themes[:2], supports[:2])
        past = [
            _idea(tag, n, places[n % len(places)], themes[n % 3 : n % 3 + 2], supports[:1])
            for n in range(1, PAST_IDEAS + 1)
        ]
        created = 0
        query_counts = []
        for size, target, repeats in sizes:
            ids = _add_partners(tag, created, size, themes, supports, places)
            _add_referrals(past, ids)
            created = size
            median_ms, cpu_ms, queries = _measure(idea.pk, repeats)
            query_counts.append(queries)
            rows.append(
                {
                    "name": f"matching one idea against {size} partners",
                    "value": round(median_ms, 2),
                    "unit": "ms",
                    "target": f"< {target:g}",
                    "passed": median_ms < target,
                }
            )
            # CPU time of this process (SQLite runs in it): tells a busy machine from slow code.
            rows.append(
                {
                    "name": f"matching one idea against {size} partners, CPU time",
                    "value": round(cpu_ms, 2),
                    "unit": "ms",
                    "target": "",
                    "passed": None,
                }
            )
            rows.append(
                {
                    "name": f"matching queries with {size} partners",
                    "value": queries,
                    "unit": "queries",
                    "target": f"= {query_counts[0]}",
                    "passed": queries == query_counts[0],
                }
            )
        transaction.set_rollback(True)
    return rows
