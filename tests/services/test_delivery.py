"""The six proofs of the outbox on the real components (issue 6).

PostgreSQL, Redis, a real `celery worker` process (with beat inside, for the sweep) and a local
SMTP server. Leases, sweeps and retry delays are shortened through the environment
(tests/services/conftest.py FAST_OUTBOX), the code paths are those of production.
"""

import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from portal.outbox import services
from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import IdeaFactory, PartnerFactory
from tests.ideas.conftest import valid_form
from tests.services.conftest import Worker, wait_until
from triage.referrals.services import idea_refer

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def refer_ideas(count: int, coordinator) -> list[Message]:
    """Refer `count` ideas to one partner, each in its own transaction as the web does.

    The ideas have no email address, so the referral mails are the only mails.
    """
    partner = PartnerFactory(name="Byalaget Ramsberg")
    ideas = [
        IdeaFactory(in_review=True, submitter_email="", title=f"Idé {n}") for n in range(count)
    ]
    for idea in ideas:
        idea_refer(
            idea=idea, partners=[partner], note_to_partners="Kan ni hjälpa till?", actor=coordinator
        )
    rows = list(Message.objects.filter(kind=MessageKind.REFERRAL))
    assert len(rows) == count
    return rows


def queue_receipt(title: str = "Bybuss till affären") -> Message:
    """One committed mail, queued after commit like every other."""
    idea = IdeaFactory(title=title)
    with transaction.atomic():
        return services.message_enqueue(
            kind=MessageKind.RECEIPT,
            recipient=idea.submitter_email,
            template="receipt",
            context={"idea": idea, "tracking_url": "http://127.0.0.1:8000/track/x/"},
            language="sv",
            idempotency_key=f"receipt:{idea.reference}",
            about=idea,
        )


def states() -> dict[str, int]:
    return {state: Message.objects.filter(state=state).count() for state in MessageState.values}


def all_sent() -> bool:
    return not Message.objects.exclude(state=MessageState.SENT).exists()


def test_200_referrals_make_200_mails_and_no_duplicates(coordinator, worker, smtp):
    started = time.monotonic()
    rows = refer_ideas(200, coordinator)
    referred = time.monotonic()

    delivered = smtp.wait_for(200, timeout=90)
    wait_until(all_sent, timeout=10, message=f"not all sent: {states()}")
    elapsed = time.monotonic() - started

    assert smtp.duplicates() == {}
    assert {mail.message_id for mail in delivered} == {row.message_id for row in rows}
    assert all(mail.recipients == [rows[0].recipient] for mail in delivered)
    time.sleep(1.5)  # the sweep runs every second: it must not send anything again
    assert smtp.count() == 200
    print(
        f"\n200 referrals made in {referred - started:.1f} s; "
        f"all 200 mails delivered {elapsed:.1f} s after the first"
    )


def test_a_worker_killed_in_the_middle_of_a_batch_loses_no_mail(coordinator, worker, smtp):
    smtp.delay = 0.05  # slow enough that the kill lands in the middle
    rows = refer_ideas(60, coordinator)
    smtp.wait_for(15, timeout=30)

    worker.kill()  # SIGKILL to the worker and its pool process
    before_restart = smtp.count()
    assert before_restart < 60
    worker.start()

    wait_until(
        lambda: all_sent() and smtp.count() >= 60,
        timeout=60,
        message=f"not all sent after the restart: {states()}",
    )
    delivered = {mail.message_id for mail in smtp.mails()}
    assert delivered == {row.message_id for row in rows}
    duplicates = smtp.duplicates()
    assert len(duplicates) <= 1 and all(n == 2 for n in duplicates.values()), duplicates
    print(f"\nkilled after {before_restart} of 60 mails; duplicates: {len(duplicates)}")


def test_ideas_submitted_while_redis_is_down_are_mailed_once_it_is_back(
    client, settings, worker, worker_env, services_dir, private_redis, app_broker, smtp
):
    settings.RATELIMIT_ENABLE = False
    cache.clear()
    worker.kill()  # no other worker or beat may sweep these rows meanwhile
    app_broker(private_redis.url)
    outage_worker = Worker(
        broker=private_redis.url,
        env={**worker_env, "OUTBOX_SWEEP_AFTER_SECONDS": "2"},
        log=services_dir / "worker-broker-down.log",
        concurrency=1,
        beat=True,
    )
    outage_worker.start()
    try:
        private_redis.stop()
        timings = []
        for n in range(5):
            started = time.monotonic()
            response = client.post(
                reverse("ideas:submit"),
                valid_form(
                    title=f"Idé under avbrottet {n}", submitter_email=f"boende{n}@example.org"
                ),
            )
            timings.append(time.monotonic() - started)
            assert response.status_code == 302
        assert max(timings) < 2.0, timings
        assert Message.objects.filter(state=MessageState.QUEUED).count() == 5
        time.sleep(1)
        assert smtp.count() == 0

        private_redis.start()
        delivered = smtp.wait_for(5, timeout=60)
        wait_until(all_sent, timeout=10, message=f"not all sent: {states()}")
        assert sorted(r for mail in delivered for r in mail.recipients) == [
            f"boende{n}@example.org" for n in range(5)
        ]
        assert smtp.duplicates() == {}
        print(f"\nsubmissions with Redis down took {min(timings):.3f}–{max(timings):.3f} s")
    finally:
        outage_worker.kill()
        worker.start()


def test_a_mail_answered_451_three_times_arrives_once(worker, smtp):
    smtp.answer(451, times=3)
    row = queue_receipt()

    delivered = smtp.wait_for(1, timeout=40)
    wait_until(all_sent, timeout=10, message=f"not sent: {states()}")
    time.sleep(1.5)

    assert [mail.message_id for mail in smtp.mails()] == [row.message_id]
    assert [code for code, _id in smtp.refused] == [451, 451, 451]
    assert {message_id for _code, message_id in smtp.refused} == {row.message_id}
    row.refresh_from_db()
    assert row.attempts == 4
    assert row.last_error == ""
    assert delivered[0].recipients == [row.recipient]


def test_a_mail_answered_550_is_failed_and_shown_and_never_retried(worker, smtp, committee_client):
    smtp.answer(550)
    row = queue_receipt()

    wait_until(
        lambda: Message.objects.get(pk=row.pk).state == MessageState.FAILED,
        timeout=30,
        message=f"not failed: {states()}",
    )
    time.sleep(2.5)  # longer than a retry delay and two sweeps

    row.refresh_from_db()
    assert row.state == MessageState.FAILED
    assert row.attempts == 1
    assert row.last_error.startswith("550")
    assert smtp.refused == [(550, row.message_id)]
    assert smtp.count() == 0
    page = committee_client.get(reverse("outbox:list"), {"state": "failed"}).content.decode()
    assert row.recipient in page
    assert "550" in page


def test_a_referral_that_rolls_back_after_queuing_sends_nothing(coordinator, worker, smtp):
    idea = IdeaFactory(in_review=True, title="Rullas tillbaka")
    partner = PartnerFactory()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        idea_refer(idea=idea, partners=[partner], note_to_partners="Hjälp!", actor=coordinator)
        raise Abort

    assert not Message.objects.exists()
    barrier = queue_receipt("Skickas efteråt")  # the worker sends in order: this comes after
    smtp.wait_for(1, timeout=30)
    time.sleep(1.5)
    assert [mail.message_id for mail in smtp.mails()] == [barrier.message_id]
    assert Message.objects.count() == 1
