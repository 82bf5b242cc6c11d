"""The public pages ride out an outage of Redis and a long lock in PostgreSQL (issue 12).

Redis: the test's own redis-server is the cache and the broker; it is stopped while residents
open the form and submit ideas and the committee reads the dashboard, then started again, and
the receipts go out. PostgreSQL: another connection holds a table lock; the submission answers
at once with a friendly page that keeps what was typed, and sending again works.
"""
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from ideas.models import Idea
from portal import cache as fail_soft
from portal.outbox.models import Message, MessageState
from portal.settings import cache_settings
from tests.ideas.conftest import valid_form
from tests.services.conftest import Worker, wait_until

pytestmark = [pytest.mark.services,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def states() -> dict[str, int]:
    return {state: Message.objects.filter(state=state).count() for state in MessageState.values}


@pytest.fixture
def redis_cache(settings, private_redis):
    """The cache of this test process (the web side) in the private Redis, db 1."""
    fail_soft._retry_at.clear()
    config = cache_settings(private_redis.url.rsplit("/", 1)[0] + "/1")
    config["RETRY_SECONDS"] = 1  # production waits 10 s before it tries a stopped Redis again
    settings.CACHES = {"default": config}
    yield
    fail_soft._retry_at.clear()


def test_with_redis_stopped_residents_submit_and_their_receipts_go_out_once_it_is_back(
    client, committee_member, worker_env, services_dir, private_redis, redis_cache, app_broker,
    smtp,
):
    app_broker(private_redis.url)
    worker = Worker(
        broker=private_redis.url, env={**worker_env, "OUTBOX_SWEEP_AFTER_SECONDS": "2"},
        log=services_dir / "worker-redis-outage.log", concurrency=1, beat=True,
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
            response = client.post(reverse("ideas:submit"), valid_form(
                title=f"Idé under avbrottet {n}", submitter_email=f"boende{n}@example.org"))
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
        wait_until(lambda: not Message.objects.exclude(state=MessageState.SENT).exists(),
                   timeout=10, message=f"not all sent: {states()}")
        assert sorted(r for mail in delivered for r in mail.recipients) == [
            f"boende{n}@example.org" for n in range(5)]
        assert smtp.duplicates() == {}

        time.sleep(1.2)  # past RETRY_SECONDS: the next call tries Redis again
        assert Client().get(reverse("ideas:submit")).status_code == 200
        assert not cache.is_down
        cache.set("after-the-outage", "in redis")
        import redis

        stored = redis.Redis.from_url(private_redis.url.rsplit("/", 1)[0] + "/1")
        assert any(b"after-the-outage" in key for key in stored.keys("*"))
        stored.close()
        print(f"\nwith Redis stopped: form, submission and receipt page took "
              f"{min(timings):.3f}–{max(timings):.3f} s")
    finally:
        worker.kill()
