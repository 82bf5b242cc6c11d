"""The outbox on the embedded defaults: claim, failures, backoff, sweep and resend."""

import smtplib
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.celery import app as celery_app
from portal.outbox import services, tasks
from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import IdeaFactory
from tests.outbox.backends import ScriptedBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scripted_mail(settings):
    """Mail goes to the locmem outbox; tests queue SMTP errors in `ScriptedBackend.errors`."""
    settings.EMAIL_BACKEND = "tests.outbox.backends.ScriptedBackend"
    ScriptedBackend.errors = []
    ScriptedBackend.attempts = 0
    return ScriptedBackend


def make_message(**fields) -> Message:
    key = uuid.uuid4().hex
    defaults = {
        "kind": MessageKind.REFERRAL,
        "recipient": "kontakt@partner.example.org",
        "subject": "En idé till er",
        "body_text": "Hej! Här är en idé.",
        "message_id": f"<{key}@idelotsen.example.org>",
        "idempotency_key": key,
    }
    return Message.objects.create(**{**defaults, **fields})


def state_of(message: Message) -> Message:
    message.refresh_from_db()
    return message


def test_a_message_is_claimed_by_one_worker_only():
    message = make_message()

    first = services.message_claim(message.pk)
    second = services.message_claim(message.pk)

    assert first is not None and first.state == MessageState.SENDING
    assert first.attempts == 1
    assert second is None


def test_running_the_send_task_twice_sends_the_mail_once():
    message = make_message()

    tasks.send_message.apply(args=[message.pk])
    tasks.send_message.apply(args=[message.pk])

    assert len(mail.outbox) == 1
    assert state_of(message).state == MessageState.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


def test_the_mail_keeps_the_message_id_of_its_row():
    message = make_message()
    services.message_send(message.pk)
    assert mail.outbox[0].message()["Message-ID"] == message.message_id


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
        smtplib.SMTPRecipientsRefused({"kontakt@partner.example.org": (450, b"Mailbox busy")}),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
)
def test_a_temporary_failure_puts_the_message_back_to_wait_for_a_later_try(scripted_mail, error):
    message = make_message()
    scripted_mail.errors = [error]
    before = timezone.now()

    delivery = services.message_send(message.pk)

    assert delivery.outcome == "retry"
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    assert base * 0.8 <= delivery.retry_in <= base * 1.2
    state_of(message)
    assert message.state == MessageState.QUEUED
    assert message.last_error
    assert message.next_attempt_at >= before + timedelta(seconds=delivery.retry_in)
    assert mail.outbox == []
    assert services.message_claim(message.pk) is None, "not due yet"


def test_a_temporary_failure_then_success_delivers_the_mail_once(scripted_mail):
    message = make_message()
    scripted_mail.errors = [smtplib.SMTPDataError(451, b"Try again later")] * 3

    for _attempt in range(3):
        assert services.message_send(message.pk).outcome == "retry"
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.message_send(message.pk).outcome == "sent"

    assert len(mail.outbox) == 1
    assert state_of(message).state == MessageState.SENT
    assert message.attempts == 4
    assert message.last_error == ""


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPDataError(550, b"5.7.1 Rejected"),
        smtplib.SMTPRecipientsRefused({"kontakt@partner.example.org": (550, b"No such user")}),
        smtplib.SMTPSenderRefused(553, b"Sender refused", "idelotsen@example.org"),
    ],
)
def test_a_permanent_failure_marks_the_message_failed_at_once(scripted_mail, error):
    message = make_message()
    scripted_mail.errors = [error]

    assert services.message_send(message.pk).outcome == "failed"

    state_of(message)
    assert message.state == MessageState.FAILED
    assert message.attempts == 1
    assert "5" in message.last_error[:3] or "No such user" in message.last_error
    assert services.message_claim(message.pk) is None
    assert scripted_mail.attempts == 1


def test_an_unexpected_error_marks_the_message_failed_instead_of_leaving_it_sending(scripted_mail):
    message = make_message()
    scripted_mail.errors = [ValueError("a bug while building the mail")]

    assert services.message_send(message.pk).outcome == "failed"

    assert state_of(message).state == MessageState.FAILED
    assert "a bug while building the mail" in message.last_error


def test_a_message_fails_after_its_last_attempt(scripted_mail, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = make_message()
    scripted_mail.errors = [ConnectionRefusedError(111, "Connection refused")] * 2

    assert services.message_send(message.pk).outcome == "retry"
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.message_send(message.pk).outcome == "failed"

    assert state_of(message).state == MessageState.FAILED
    assert "Connection refused" in message.last_error


def test_retries_back_off_exponentially_with_jitter_over_more_than_a_day(monkeypatch):
    monkeypatch.setattr(services.random, "uniform", lambda low, high: low)
    shortest = [services.retry_delay(n) for n in range(1, settings.OUTBOX_MAX_ATTEMPTS)]
    assert shortest == sorted(shortest)
    assert shortest[1] == 2 * shortest[0]
    assert max(shortest) <= settings.OUTBOX_RETRY_MAX_SECONDS
    assert sum(shortest) > 24 * 60 * 60

    monkeypatch.setattr(services.random, "uniform", lambda low, high: high)
    longest = [services.retry_delay(n) for n in range(1, settings.OUTBOX_MAX_ATTEMPTS)]
    assert all(low < high for low, high in zip(shortest, longest, strict=True))
    # Celery's Redis broker must not hand a delayed retry to a second worker meanwhile.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > max(longest)


def test_the_task_schedules_the_next_try_after_a_temporary_failure(scripted_mail, monkeypatch):
    queued = []
    monkeypatch.setattr(
        services,
        "queue_send",
        lambda message_id, countdown=None: queued.append((message_id, countdown)),
    )
    message = make_message()
    scripted_mail.errors = [smtplib.SMTPDataError(451, b"Try again later")]

    assert tasks.send_message(message.pk) == "retry"  # called as a worker would, not eagerly

    assert queued == [(message.pk, queued[0][1])]
    assert 48 <= queued[0][1] <= 72


def test_the_task_does_not_retry_inside_a_web_request_without_a_broker(scripted_mail):
    message = make_message()
    scripted_mail.errors = [smtplib.SMTPDataError(451, b"Try again later")] * 5

    tasks.send_message.delay(message.pk)  # eager: runs here, like after a request's commit

    assert scripted_mail.attempts == 1
    assert state_of(message).state == MessageState.QUEUED


def test_queuing_survives_a_broker_that_is_down(monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_message, "apply_async", broker_down)
    message = make_message()

    assert services.queue_send(message.pk) is False
    assert state_of(message).state == MessageState.QUEUED


def test_the_broker_settings_fit_the_outbox():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["max_retries"] == 0
    assert conf.broker_transport_options["socket_connect_timeout"] <= 1
    assert conf.task_publish_retry is False


def overdue(minutes: int = 5):
    return timezone.now() - timedelta(minutes=minutes)


def test_the_sweep_requeues_overdue_and_stuck_messages_only(monkeypatch):
    queued = []
    monkeypatch.setattr(
        services, "queue_send", lambda message_id, countdown=None: queued.append(message_id)
    )
    never_queued = make_message(next_attempt_at=overdue())
    fresh = make_message()
    waiting_for_retry = make_message(next_attempt_at=timezone.now() + timedelta(minutes=30))
    worker_died = make_message(state=MessageState.SENDING, claimed_at=overdue(60), attempts=1)
    being_sent = make_message(state=MessageState.SENDING, claimed_at=timezone.now())
    make_message(state=MessageState.SENT, next_attempt_at=overdue())
    make_message(state=MessageState.FAILED, next_attempt_at=overdue())

    assert services.outbox_sweep() == 2

    assert sorted(queued) == sorted([never_queued.pk, worker_died.pk])
    assert state_of(worker_died).state == MessageState.QUEUED
    assert state_of(being_sent).state == MessageState.SENDING
    assert state_of(fresh).state == state_of(waiting_for_retry).state == MessageState.QUEUED
    queued.clear()
    assert services.outbox_sweep() == 0, "a second sweep right after waits for the first"


def test_the_sweep_gives_up_a_message_that_stopped_its_worker_on_every_attempt(settings):
    message = make_message(
        state=MessageState.SENDING, claimed_at=overdue(60), attempts=settings.OUTBOX_MAX_ATTEMPTS
    )

    assert services.outbox_sweep() == 0

    assert state_of(message).state == MessageState.FAILED
    assert mail.outbox == []


def test_a_message_whose_worker_died_is_sent_again_after_the_sweep():
    message = make_message(state=MessageState.SENDING, claimed_at=overdue(60), attempts=1)

    tasks.sweep_outbox.delay()

    assert len(mail.outbox) == 1
    assert state_of(message).state == MessageState.SENT
    assert message.attempts == 2


def test_celery_beat_runs_the_sweep_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["task"] == tasks.sweep_outbox.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] <= timedelta(minutes=5)
    message = make_message(next_attempt_at=overdue())

    celery_app.tasks[entry["task"]].apply()

    assert state_of(message).state == MessageState.SENT
    assert len(mail.outbox) == 1


def test_a_resend_keeps_the_message_id(django_capture_on_commit_callbacks):
    message = make_message(state=MessageState.FAILED, attempts=16, last_error="550 No such user")

    with django_capture_on_commit_callbacks(execute=True):
        services.message_resend(message=message)

    assert state_of(message).state == MessageState.SENT
    assert message.attempts == 1
    assert mail.outbox[0].message()["Message-ID"] == message.message_id


def test_a_message_being_sent_cannot_be_resent(django_capture_on_commit_callbacks):
    message = make_message(state=MessageState.SENDING, claimed_at=timezone.now())
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ResendRefused),
    ):
        services.message_resend(message=message)
    assert callbacks == []
    assert state_of(message).state == MessageState.SENDING


def enqueue_receipt(idea) -> Message:
    return services.message_enqueue(
        kind=MessageKind.RECEIPT,
        recipient=idea.submitter_email,
        template="receipt",
        context={"idea": idea, "tracking_url": "https://idelotsen.example.org/track/x/"},
        language="sv",
        idempotency_key=f"receipt:{idea.reference}",
        about=idea,
    )


def test_the_same_idempotency_key_never_makes_a_second_message(django_capture_on_commit_callbacks):
    idea = IdeaFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue_receipt(idea)
        second = enqueue_receipt(idea)
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_transaction_that_rolls_back_after_queuing_sends_nothing(
    django_capture_on_commit_callbacks,
):
    idea = IdeaFactory()

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        enqueue_receipt(idea)
        raise Abort

    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []
