"""A worker's task claims its message and other due ones in one statement and sends them over
its SMTP session (portal.outbox.services.messages_claim and messages_send): each mail arrives
once, and a failure in the middle of a batch loses none and sends none twice.

The worker's path, as `send_message` runs it outside a web request, with a real SMTP server
(aiosmtpd on 127.0.0.1); the PostgreSQL-only part (SKIP LOCKED) is in
tests/services/test_batch_claim.py.
"""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from portal.outbox import services
from portal.outbox.models import Message, MessageState
from tests.outbox.test_smtp_session import queued, smtp  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def run_every_task(messages: list[Message], *, batch: int) -> list[int]:
    """What a worker does with the task of each message, in the order they were queued; how
    many mails each task tried (its own, if still queued, and the due others it claimed)."""
    return [len(services.messages_send(message.pk, batch=batch)) for message in messages]


def rows(messages: list[Message]) -> list[Message]:
    return list(Message.objects.filter(pk__in=[m.pk for m in messages]).order_by("pk"))


def test_a_claim_takes_the_tasks_message_first_and_due_others_up_to_the_batch():
    messages = queued(6)
    later = queued(1)[0]
    Message.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    done = queued(1)[0]
    Message.objects.filter(pk=done.pk).update(state=MessageState.SENT)

    first = services.messages_claim(messages[3].pk, batch=4)
    second = services.messages_claim(messages[3].pk, batch=4)

    assert first[0].pk == messages[3].pk
    assert len(first) == 4
    # The rest of the due ones, and nothing twice: neither the one waiting for a retry nor a
    # sent one is ever claimed.
    assert {m.pk for m in first}.isdisjoint(m.pk for m in second)
    assert {m.pk for m in first + second} == {m.pk for m in messages}
    assert all(m.state == MessageState.SENDING and m.attempts == 1 for m in first + second)
    assert Message.objects.get(pk=later.pk).state == MessageState.QUEUED
    assert Message.objects.get(pk=done.pk).attempts == 0
    assert services.messages_claim(later.pk, batch=4) == []


def test_a_batch_of_one_is_the_tasks_message_alone():
    messages = queued(3)

    claimed = services.messages_claim(messages[1].pk, batch=1)

    assert [m.pk for m in claimed] == [messages[1].pk]
    assert [m.state for m in rows(messages)] == ["queued", "sending", "queued"]


def test_25_tasks_in_batches_of_10_send_25_mails_once_over_one_session(smtp):  # noqa: F811
    messages = queued(25)

    tried = run_every_task(messages, batch=10)

    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in messages)
    assert smtp.handler.sessions == 1
    # Three tasks did the work (the second task's own mail went with the first, so it claimed nine
    # others); the rest found nothing left to claim.
    assert tried == [10, 9, 6] + [0] * 22
    assert all(m.state == MessageState.SENT and m.attempts == 1 for m in rows(messages))


def test_a_refusal_in_the_middle_of_a_batch_retries_that_mail_alone(smtp):  # noqa: F811
    messages = queued(6)
    smtp.handler.answer(451, times=1)  # the first mail of the batch: try again later
    smtp.handler.answer(550, times=1)  # the second: no such mailbox

    deliveries = services.messages_send(messages[0].pk, batch=6)

    assert [deliveries[m.pk].outcome for m in messages] == ["retry", "failed"] + ["sent"] * 4
    assert [m.state for m in rows(messages)] == ["queued", "failed"] + ["sent"] * 4
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in messages[2:])
    # Its retry, once due, sends it once; the refused one and the sent ones never go again.
    Message.objects.filter(pk=messages[0].pk).update(next_attempt_at=timezone.now())
    assert run_every_task(messages, batch=6) == [1, 0, 0, 0, 0, 0]
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in [*messages[2:], messages[0]])


def test_a_batch_out_of_time_puts_the_rest_back_and_each_goes_once(
    smtp,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    messages = queued(5)
    monkeypatch.setattr(services, "batch_seconds", lambda: 0.0)

    # The released ones are queued again after the commit; here (no broker) the task runs in
    # this process, its message alone.
    with django_capture_on_commit_callbacks(execute=True) as queued_again:
        deliveries = services.messages_send(messages[0].pk, batch=5)

    assert list(deliveries) == [messages[0].pk]
    assert len(queued_again) == 4
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in messages)
    # The attempt of the release was given back: each was tried once.
    assert all(m.state == MessageState.SENT and m.attempts == 1 for m in rows(messages))


def test_a_batch_stopped_between_two_mails_loses_none_and_sends_none_twice(
    smtp,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    messages = queued(5)
    deliver = services.message_deliver
    calls = []

    def stopped_at_the_third(message: Message) -> services.Delivery:
        calls.append(message.pk)
        if len(calls) == 3:  # the soft time limit, between two mails
            raise SoftTimeLimitExceeded()
        return deliver(message)

    monkeypatch.setattr(services, "message_deliver", stopped_at_the_third)
    with (
        django_capture_on_commit_callbacks() as queued_again,
        pytest.raises(SoftTimeLimitExceeded),
    ):
        services.messages_send(messages[0].pk, batch=5)
    monkeypatch.setattr(services, "message_deliver", deliver)

    states = [m.state for m in rows(messages)]
    assert states.count("sent") == 2 and states.count("queued") == 3
    assert len(smtp.message_ids()) == 2
    # Their tasks may have found them claimed and skipped them: each got a new one.
    assert len(queued_again) == 3
    assert sum(run_every_task(messages, batch=5)) == 3
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in messages)
    assert all(m.state == MessageState.SENT and m.attempts == 1 for m in rows(messages))
