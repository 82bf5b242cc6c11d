"""The public pages ride out an outage of Redis and a long lock in PostgreSQL (issue 12).

Redis: the test's own redis-server is the cache and the broker; it is stopped while residents
open the form and submit ideas and the committee reads the dashboard, then started again, and
the receipts go out. PostgreSQL: another connection holds a table lock; the submission answers
at once with a friendly page that keeps what was typed, and sending again works.
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from ideas.models import Idea
from portal import cache as fail_soft
from portal.outbox.models import Message, MessageState
from portal.settings import cache_settings
from tests.ideas.conftest import valid_form
from tests.services.conftest import Worker, wait_for_database_clients_to_leave, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def states() -> dict[str, int]:
    return {state: Message.objects.filter(state=state).count() for state in MessageState.values}


@pytest.fixture
def redis_cache(settings, private_redis):
    """The cache of this test process (the web side) in the private Redis, db 1."""
    fail_soft._retry_at.clear()
    config = cache_settings(private_redis.url.rsplit("/", 1)[0] + "/1")
    config["RETRY_SECONDS"] = 1  # production waits 10 s before it tries a stopped Redis again
    settings.CACHES = {**settings.CACHES, "default": config}
    yield
    fail_soft._retry_at.clear()


def test_with_redis_stopped_residents_submit_and_their_receipts_go_out_once_it_is_back(
    client,
    committee_member,
    worker_env,
    services_dir,
    private_redis,
    redis_cache,
    app_broker,
    smtp,
):
    app_broker(private_redis.url)
    worker = Worker(
        broker=private_redis.url,
        env={**worker_env, "OUTBOX_SWEEP_AFTER_SECONDS": "2"},
        log=services_dir / "worker-redis-outage.log",
        concurrency=1,
        beat=True,
    )
    worker.start()
    committee = Client()
    committee.force_login(committee_member)
    try:
        assert Client().get(reverse("ideas:submit")).status_code == 200  # cached in Redis
        assert committee.get(reverse("triage:dashboard")).status_code == 200
        private_redis.stop()

        timings = []
        for n in range(5):
            started = time.monotonic()
            assert Client().get(reverse("ideas:submit")).status_code == 200
            response = client.post(
                reverse("ideas:submit"),
                valid_form(
                    title=f"Idé under avbrottet {n}", submitter_email=f"boende{n}@example.org"
                ),
            )
            assert response.status_code == 302, response.content.decode()[:500]
            assert client.get(response["Location"]).status_code == 200
            timings.append(time.monotonic() - started)
        dashboard = committee.get(reverse("triage:dashboard"))
        assert dashboard.status_code == 200
        assert "Idé under avbrottet 4" in dashboard.content.decode()
        assert max(timings) < 3.0, timings
        assert Idea.objects.count() == 5
        assert Message.objects.filter(state=MessageState.QUEUED).count() == 5
        time.sleep(1)
        assert smtp.count() == 0

        private_redis.start()
        delivered = smtp.wait_for(5, timeout=60)
        wait_until(
            lambda: not Message.objects.exclude(state=MessageState.SENT).exists(),
            timeout=10,
            message=f"not all sent: {states()}",
        )
        assert sorted(r for mail in delivered for r in mail.recipients) == [
            f"boende{n}@example.org" for n in range(5)
        ]
        assert smtp.duplicates() == {}

        time.sleep(1.2)  # past RETRY_SECONDS: the next call tries Redis again
        assert Client().get(reverse("ideas:submit")).status_code == 200
        assert not cache.is_down
        cache.set("after-the-outage", "in redis")
        import redis

        stored = redis.Redis.from_url(private_redis.url.rsplit("/", 1)[0] + "/1")
        assert any(b"after-the-outage" in key for key in stored.keys("*"))
        stored.close()
        print(
            f"\nwith Redis stopped: form, submission and receipt page took "
            f"{min(timings):.3f}–{max(timings):.3f} s"
        )
    finally:
        worker.kill()
        wait_for_database_clients_to_leave()  # so that the test database can be dropped


# --- PostgreSQL: a table lock held by another connection ---------------------------------------


@contextmanager
def table_locked(table: str = "ideas_idea"):
    """Another connection holds ACCESS EXCLUSIVE on the table until the block ends."""
    locked, release = threading.Event(), threading.Event()
    failure = []

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                locked.set()
                release.wait(60)
        except Exception as error:  # noqa: BLE001 - reported in the test's thread
            failure.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert locked.wait(10) and not failure, failure
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_submission_during_a_long_table_lock_keeps_what_was_typed_and_sending_again_works(
    client,
    settings,
):
    lock_seconds = settings.DATABASE_TIMEOUTS["web"][1]
    typed = valid_form(
        title="Bybuss när databasen är låst",
        description="Varje tisdag till affären i Ramsberg.",
        submitter_name="Maja Låst",
        submitter_email="maja@example.org",
    )
    assert client.get(reverse("ideas:submit")).status_code == 200

    with table_locked():
        response, elapsed = timed(lambda: client.post(reverse("ideas:submit"), typed))

    assert response.status_code == 503
    assert elapsed < lock_seconds + 3, elapsed
    page = response.content.decode()
    assert "kunde inte spara din idé: inget har sparats" in page
    for name in ("title", "place", "submitter_name", "submitter_email", "organisation_name"):
        assert f'value="{typed[name]}"' in page, name
    for name in ("need", "description", "beneficiaries"):
        assert f"{typed[name]}</textarea>" in page, name
    assert not Idea.objects.exists()
    assert not Message.objects.exists()

    again = client.post(reverse("ideas:submit"), typed)
    assert again.status_code == 302
    assert Idea.objects.get().title == "Bybuss när databasen är låst"
    print(f"\nthe friendly page came after {elapsed:.2f} s (lock_timeout {lock_seconds} s)")


def test_any_page_that_waits_too_long_for_a_lock_gets_the_busy_page_in_the_visitors_language(
    committee_client,
    settings,
):
    lock_seconds = settings.DATABASE_TIMEOUTS["web"][1]
    with table_locked():
        response, elapsed = timed(
            lambda: committee_client.get(reverse("triage:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert elapsed < lock_seconds + 3, elapsed
    page = response.content.decode()
    assert "The portal is busy" in page and "Nothing was saved." in page
    assert "Portalen" not in page
    assert settings.COORDINATOR_EMAIL in page


def test_web_requests_get_short_timeouts_and_workers_and_migrations_long_ones(settings):
    from celery.signals import celeryd_init

    from portal import database

    def current() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            statement = cursor.fetchone()[0]
            cursor.execute("SHOW lock_timeout")
            return statement, cursor.fetchone()[0]

    web, background = settings.DATABASE_TIMEOUTS["web"], settings.DATABASE_TIMEOUTS["background"]
    assert web[0] < 30 and web[1] < web[0]  # under gunicorn's 30-second worker timeout
    assert background[0] > web[0] and background[1] > web[1]
    assert current() == (f"{web[0]}s", f"{web[1]}s")
    with database.timeouts(database.BACKGROUND):
        assert current() == (f"{background[0] // 60}min", f"{background[1] // 60}min")
    assert current() == (f"{web[0]}s", f"{web[1]}s")
    try:
        celeryd_init.send(sender="test-worker")
        assert current() == (f"{background[0] // 60}min", f"{background[1] // 60}min")
    finally:
        database.use_timeouts(database.WEB)
    assert current() == (f"{web[0]}s", f"{web[1]}s")
