"""Delivery speed: 1,000 referral mails through Redis and one Celery worker to a local SMTP
server, beside a plain smtplib loop sending the same mails to the same server in the same run.

Needs a Redis server (BENCH_REDIS_URL, default redis://127.0.0.1:6379/10; only that database
is emptied). Without one the rows say so. The worker reads the bench database; the messages
it sends are removed afterwards, so the database is left as it was found.
"""

import logging
import os
import smtplib
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
COUNT = int(os.environ.get("BENCH_MAILS", "1000"))
TIMEOUT_SECONDS = 600
# Issue 18: the worker sends at least half as fast as a plain loop over one SMTP connection.
TARGET_SHARE = 0.5
BODY = (
    "Hej!\n\nArbetsutskottet i partnerskapet för sociala innovationer i Örebro län ber er "
    "att stödja den här idén.\n\nFiber till byarna runt Ramsberg (IL-2026-{n:04d})\n"
    "Tolv byar norr om Ramsberg har fortfarande bara mobilt bredband. Vi vill starta en "
    "fiberförening där byborna gräver själva och delar på kostnaden.\n\n"
    "Varför vi frågar er:\n- arbetar med fiber och bredband\n- täcker Lindesberg\n"
    "- 3 av 5 platser lediga\n\nIdén tillhör den person eller förening som skickade in den.\n"
) * 3


def redis_reachable(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means: no Redis to bench with
        return repr(error)
    return ""


def messages_create(run_id: str) -> list[int]:
    from portal.outbox.models import Message, MessageKind

    rows = [
        Message(
            kind=MessageKind.REFERRAL,
            recipient=f"kontakt{n}@partner.example.org",
            subject=f"En idé till er: Fiber till byarna runt Ramsberg (IL-2026-{n:04d})",
            body_text=BODY.format(n=n),
            body_html="",
            message_id=f"<bench-{run_id}-{n}@idelotsen.bench>",
            idempotency_key=f"bench-delivery:{run_id}:{n}",
        )
        for n in range(COUNT)
    ]
    Message.objects.bulk_create(rows, batch_size=500)
    return list(
        Message.objects.filter(idempotency_key__startswith=f"bench-delivery:{run_id}:")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@contextmanager
def others_held_back(ids: list[int]):
    """Keep the database's other queued messages (the demo's) from the worker during the run:
    it claims every due message with the one its task names (OUTBOX_CLAIM_BATCH), and they are
    neither the bench's mails nor to be sent by it. They are due as before afterwards."""
    from portal.outbox.models import Message, MessageState

    others = Message.objects.filter(state=MessageState.QUEUED).exclude(pk__in=ids)
    due = dict(others.values_list("pk", "next_attempt_at"))
    Message.objects.filter(pk__in=due).update(next_attempt_at=datetime(9999, 1, 1, tzinfo=UTC))
    try:
        yield
    finally:
        for pk, next_attempt_at in due.items():
            Message.objects.filter(pk=pk).update(next_attempt_at=next_attempt_at)


class RunMails:
    """The Message-IDs of this run's mails the SMTP server has received, once per arrival.

    Each call reads only the mails that came since the last (a header read parses it, and a
    poll that read them all would hold the server's thread back more as the run goes on)."""

    def __init__(self, handler, run_id: str) -> None:
        self.handler, self.marker = handler, f"bench-{run_id}-"
        self.seen: list[str] = []
        self.read = 0

    def __call__(self) -> list[str]:
        with self.handler.lock:
            new = self.handler.received[self.read :]
        self.read += len(new)
        self.seen += [mail.message_id for mail in new if self.marker in mail.message_id]
        return self.seen


def through_worker(ids: list[int], handler, port: int, log: Path, run_mails: RunMails) -> float:
    """Queue every message on Redis and time until the SMTP server has them all."""
    from celery import Celery

    from tests.services.conftest import Worker, purge

    purge(REDIS_URL)
    worker = Worker(
        broker=REDIS_URL,
        log=log,
        concurrency=1,
        env={"EMAIL_URL": f"smtp://127.0.0.1:{port}", "LOG_LEVEL": "WARNING"},
    )
    worker.start(timeout=90)
    client = Celery("bench", broker=REDIS_URL)
    try:
        started = time.perf_counter()
        with client.producer_or_acquire() as producer:
            for message_id in ids:
                client.send_task(
                    "portal.outbox.tasks.send_message", args=[message_id], producer=producer
                )
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while len(run_mails()) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        worker.kill()
        purge(REDIS_URL)


def through_smtplib(ids: list[int], port: int) -> float:
    """The same mails, built the way the outbox builds them, sent by a plain smtplib loop."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    from portal.outbox.models import Message

    payloads = []
    for message in Message.objects.filter(pk__in=ids).order_by("pk"):
        email = EmailMultiAlternatives(
            message.subject,
            message.body_text,
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient],
            headers={"Message-ID": message.message_id},
        )
        payloads.append((message.recipient, email.message().as_bytes(linesep="\r\n")))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for recipient, payload in payloads:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [recipient], payload)
    return time.perf_counter() - started


def run() -> list[dict]:
    from aiosmtpd.controller import Controller

    from portal.outbox.models import Message
    from tests.services.conftest import RecordingHandler, free_port

    problem = redis_reachable(REDIS_URL)
    if problem:
        return [
            {
                "name": f"delivery: no Redis at {REDIS_URL}",
                "value": None,
                "unit": "",
                "target": "",
                "passed": None,
            }
        ]
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    run_id = uuid.uuid4().hex[:8]
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ids = messages_create(run_id)
    try:
        with tempfile.TemporaryDirectory() as tmp, others_held_back(ids):
            run_mails = RunMails(handler, run_id)
            worker_seconds = through_worker(ids, handler, port, Path(tmp) / "worker.log", run_mails)
        received = RunMails(handler, run_id)()
        delivered = len(set(received))
        duplicates = len(received) - delivered
        handler.reset()
        loop_seconds = through_smtplib(ids, port)
    finally:
        controller.stop()
        Message.objects.filter(pk__in=ids).delete()
    worker_rate = delivered / worker_seconds if worker_seconds else 0.0
    loop_rate = len(ids) / loop_seconds if loop_seconds else 0.0
    share = worker_rate / loop_rate if loop_rate else 0.0
    return [
        {
            "name": f"{len(ids)} referral mails via Redis and 1 worker",
            "value": worker_rate,
            "unit": "mails/s",
            "target": "",
            "passed": None,
        },
        {
            "name": "the same mails by a plain smtplib loop",
            "value": loop_rate,
            "unit": "mails/s",
            "target": "",
            "passed": None,
        },
        {
            "name": "worker rate as a share of the smtplib loop",
            "value": share,
            "unit": "×",
            "target": f"≥ {TARGET_SHARE:g}",
            "passed": share >= TARGET_SHARE,
        },
        {
            "name": "mails delivered by the worker",
            "value": delivered,
            "unit": "mails",
            "target": f"= {len(ids)}",
            "passed": delivered == len(ids),
        },
        {
            "name": "duplicates",
            "value": duplicates,
            "unit": "mails",
            "target": "= 0",
            "passed": duplicates == 0,
        },
    ]
