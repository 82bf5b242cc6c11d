"""What the outbox offers the other apps: the messages about an object, to an address or naming
a text, and the redaction of given values from stored messages."""

import ast
import inspect

import pytest
from django.db.models import QuerySet
from django.utils.html import escape

from portal.celery import app as celery_app
from portal.outbox import services, tasks
from portal.outbox.models import Message, MessageState
from portal.outbox.selectors import messages_about, messages_mentioning, messages_to
from portal.outbox.services import REDACTED, messages_redact
from tests.factories import IdeaFactory
from tests.outbox.test_outbox import make_message, state_of

pytestmark = pytest.mark.django_db


def just(message: Message) -> QuerySet[Message]:
    return Message.objects.filter(pk=message.pk)


NAME = "Märta O'Hara-Öberg"
ORGANISATION = "Märta O'Hara-Öberg & döttrar"


def test_the_messages_about_an_object_are_its_own_only():
    idea, other = IdeaFactory(), IdeaFactory()
    mine = make_message(about=idea)
    make_message(about=other)
    make_message()

    assert list(messages_about(idea)) == [mine]


def test_the_messages_to_an_address_are_found_in_any_case_and_an_empty_address_finds_none():
    to_her = make_message(recipient="Marta@Example.org")
    make_message(recipient="someone@example.org")
    make_message(recipient="")

    assert list(messages_to("marta@example.org")) == [to_her]
    assert list(messages_to("")) == []


def test_the_messages_mentioning_a_text_hold_it_in_the_subject_or_the_text():
    in_subject = make_message(subject="Din idé IL-2026-0042")
    in_text = make_message(body_text="Om IL-2026-0042: ...")
    make_message(body_html="<p>IL-2026-0042</p>")  # the HTML repeats the text, not searched

    assert set(messages_mentioning("IL-2026-0042")) == {in_subject, in_text}
    assert list(messages_mentioning("")) == []


def test_redacting_replaces_each_value_and_its_html_escape_in_subject_text_and_html():
    message = make_message(
        subject=f"Hej {NAME}",
        body_text=f"{ORGANISATION}, tel 070-555 12 34",
        body_html=f"<p>{escape(ORGANISATION)}: {escape(NAME)}, 070-555 12 34</p>",
    )
    untouched = make_message(subject="Något annat")

    changed = messages_redact(
        messages=just(message), values=[NAME, ORGANISATION, "070-555 12 34", ""]
    )

    assert changed == 1
    message = state_of(message)
    assert message.subject == f"Hej {REDACTED}"
    # The longer value goes first: nothing of the organisation's name is left over.
    assert message.body_text == f"{REDACTED}, tel {REDACTED}"
    assert message.body_html == f"<p>{REDACTED}: {REDACTED}, {REDACTED}</p>"
    assert state_of(untouched).subject == "Något annat"


def test_redacting_an_address_forgets_the_recipient_and_stops_mail_not_sent_yet():
    queued = make_message(recipient="Marta@example.org")
    sent = make_message(recipient="marta@example.org", state=MessageState.SENT)
    replying = make_message(recipient="samordnare@example.org", reply_to="marta@example.org")

    messages_redact(
        messages=messages_to("marta@example.org") | just(replying), values=["marta@example.org"]
    )

    queued, sent, replying = state_of(queued), state_of(sent), state_of(replying)
    assert queued.recipient == "" and queued.state == MessageState.FAILED
    assert queued.last_error == services.ERASED_RECIPIENT
    assert sent.recipient == "" and sent.state == MessageState.SENT
    assert replying.reply_to == "" and replying.recipient == "samordnare@example.org"
    assert services.message_send(queued.pk).outcome == "skipped"


def test_the_services_queue_the_send_task_by_its_name_without_importing_the_tasks():
    tree = ast.parse(inspect.getsource(services))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "portal.outbox.tasks" not in imported
    assert celery_app.tasks[services.SEND_TASK] is tasks.send_message._get_current_object()
