"""Batch claiming on PostgreSQL (portal.outbox.services.messages_claim): rows another worker
holds are skipped, not waited for; two worker processes claiming in batches send every mail
once; a worker keeps its one database connection from task to task (CELERY_DB_REUSE_MAX).

PostgreSQL, Redis, real `celery worker` processes and a local SMTP server, as in
tests/services/test_delivery.py.
"""

import os
import threading
import uuid

import pytest
from django.db import connection, transaction

from portal.outbox import services
from portal.outbox.models import Message, MessageKind, MessageState
from tests.services.conftest import (
    WORKER_APPLICATION_NAME,
    Worker,
    purge,
    wait_for_database_clients_to_leave,
    wait_until,
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def queue_mails(count: int) -> list[Message]:
    """`count` committed mails, each handed to the broker as the web does after its commit."""
    rows = []
    for n in range(count):
        key = uuid.uuid4().hex
        rows.append(
            Message.objects.create(
                kind=MessageKind.REFERRAL,
                recipient=f"kontakt{n}@partner.example.org",
                subject=f"En idé till er {n}",
                body_text="Hej! Här är en idé.",
                message_id=f"<{key}@idelotsen.example.org>",
                idempotency_key=key,
            )
        )
    for row in rows:
        services.queue_send(row.pk)
    return rows


def created(count: int) -> list[Message]:
    """`count` committed mails with no task (the claim is called by the test)."""
    rows = []
    for n in range(count):
        key = uuid.uuid4().hex
        rows.append(
            Message.objects.create(
                kind=MessageKind.REFERRAL,
                recipient=f"kontakt{n}@partner.example.org",
                subject=f"En idé {n}",
                body_text="Hej!",
                message_id=f"<{key}@idelotsen.example.org>",
                idempotency_key=key,
            )
        )
    return rows


def test_a_claim_skips_the_rows_another_worker_holds_instead_of_waiting():
    messages = created(7)
    held = [messages[1].pk, messages[2].pk]
    locked, done = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                list(Message.objects.select_for_update().filter(pk__in=held))
                locked.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:  # a wait would fail the test, not hang it
            cursor.execute("SET lock_timeout = '2s'")
        claimed = services.messages_claim(messages[0].pk, batch=5)
    finally:
        done.set()
        thread.join(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert [m.pk for m in claimed] == [messages[n].pk for n in (0, 3, 4, 5, 6)]
    assert set(Message.objects.filter(pk__in=held).values_list("state", flat=True)) == {"queued"}


@pytest.fixture
def two_workers(worker_env, services_dir, django_db_blocker):
    """Two pool processes claiming at once (no beat: nothing is swept)."""
    broker = os.environ["CELERY_BROKER_URL"]
    purge(broker)
    process = Worker(
        broker=broker, env=worker_env, log=services_dir / "worker-two.log", concurrency=2
    )
    process.start()
    yield process
    process.kill()
    purge(broker)
    with django_db_blocker.unblock():
        wait_for_database_clients_to_leave()


def test_two_workers_claiming_in_batches_send_300_mails_once(two_workers, smtp):
    rows = queue_mails(300)

    smtp.wait_for(300, timeout=120)
    wait_until(
        lambda: Message.objects.filter(state=MessageState.SENT).count() == 300,
        timeout=20,
        message="not all marked sent",
    )

    assert smtp.duplicates() == {}
    assert {mail.message_id for mail in smtp.mails()} == {row.message_id for row in rows}
    # Each was tried once: no batch took a row another had.
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
    # Both processes sent some: the batches were shared out, not taken by one in turn.
    claims = Message.objects.values_list("claimed_at", flat=True).distinct().count()
    assert claims >= 300 // 20


def test_a_worker_keeps_its_database_connection_from_task_to_task(two_workers, smtp):
    def worker_sessions() -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = %s",
                [WORKER_APPLICATION_NAME],
            )
            return {pid for (pid,) in cursor.fetchall()}

    seen: set[int] = set()
    for n in range(12):  # one task at a time: each mail arrives before the next is queued
        queue_mails(1)
        smtp.wait_for(n + 1, timeout=20)
        seen |= worker_sessions()

    # Two pool processes, one connection each, kept (Celery's fixup alone would close and
    # open it around every task: a new session, a new pid, for each of the twelve).
    assert 1 <= len(seen) <= 3, seen
