"""A worker sends its messages over one SMTP session, and a broken session costs no message and
sends none twice (portal.outbox.services.mail_connection).

A real SMTP server (aiosmtpd) on 127.0.0.1 counts the sessions it is opened and the mails it
receives; "dropping" the session is the server going away and coming back on the same port.
"""

import uuid

import pytest
from aiosmtpd.controller import Controller

from portal.outbox import services
from portal.outbox.models import Message, MessageKind, MessageState
from tests.services.conftest import RecordingHandler, free_port

pytestmark = pytest.mark.django_db


class CountingHandler(RecordingHandler):
    """Records the mails and counts the sessions (each opens with EHLO)."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses


class Server:
    def __init__(self) -> None:
        self.handler = CountingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def drop_sessions(self) -> None:
        """Go away and come back on the same port: every open session is cut."""
        self.controller.stop()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def message_ids(self) -> list[str]:
        return [mail.message["Message-ID"] for mail in self.handler.received]


@pytest.fixture
def smtp(settings):
    server = Server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    services.mail_connection_close()
    yield server
    services.mail_connection_close()
    server.controller.stop()


def queued(count: int) -> list[Message]:
    messages = []
    for n in range(count):
        key = uuid.uuid4().hex
        messages.append(
            Message.objects.create(
                kind=MessageKind.REFERRAL,
                recipient=f"kontakt{n}@partner.example.org",
                subject=f"En idé till er {n}",
                body_text="Hej! Här är en idé.",
                message_id=f"<{key}@idelotsen.example.org>",
                idempotency_key=key,
            )
        )
    return messages


def states(messages: list[Message]) -> list[str]:
    return [Message.objects.get(pk=m.pk).state for m in messages]


def test_ten_messages_go_over_one_smtp_session(smtp):
    messages = queued(10)

    outcomes = [services.message_send(m.pk).outcome for m in messages]

    assert outcomes == ["sent"] * 10
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in messages)
    assert smtp.handler.sessions == 1


def test_a_dropped_session_fails_one_attempt_which_is_sent_once_later_on_a_new_session(smtp):
    first, second, third = queued(3)
    assert services.message_send(first.pk).outcome == "sent"

    smtp.drop_sessions()
    broken = services.message_send(second.pk)
    after = services.message_send(third.pk)

    assert broken.outcome == "retry"  # back in the queue, by the usual backoff
    assert Message.objects.get(pk=second.pk).state == MessageState.QUEUED
    assert after.outcome == "sent"  # the next message opened a new session
    Message.objects.filter(pk=second.pk).update(next_attempt_at=first.created_at)
    assert services.message_send(second.pk).outcome == "sent"
    assert services.message_send(second.pk).outcome == "skipped"
    ids = smtp.message_ids()
    assert sorted(ids) == sorted([first.message_id, second.message_id, third.message_id])
    assert smtp.handler.sessions == 2


def test_a_session_idle_too_long_is_checked_and_opened_again_before_it_carries_a_message(
    smtp, monkeypatch
):
    monkeypatch.setattr(services, "SMTP_IDLE_CHECK_SECONDS", 0.0)
    first, second = queued(2)
    assert services.message_send(first.pk).outcome == "sent"

    smtp.drop_sessions()

    assert services.message_send(second.pk).outcome == "sent"  # at its first attempt
    assert states([first, second]) == [MessageState.SENT, MessageState.SENT]
    assert sorted(smtp.message_ids()) == sorted([first.message_id, second.message_id])
    assert smtp.handler.sessions == 2


def test_a_refused_message_closes_the_session_and_the_next_one_is_sent(smtp):
    refused, fine = queued(2)
    smtp.handler.answer(550, times=1)

    assert services.message_send(refused.pk).outcome == "failed"
    assert services.message_send(fine.pk).outcome == "sent"
    assert smtp.message_ids() == [fine.message_id]
    assert smtp.handler.sessions == 2


def test_the_file_backend_still_writes_every_message_once(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    messages = queued(3)
    for message in messages:
        assert services.message_send(message.pk).outcome == "sent"

    # Django names a file by the second and the backend object's id, so two backends made in
    # the same second may share a file: count the messages written, not the files.
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    for message in messages:
        assert written.count(message.message_id) == 1
