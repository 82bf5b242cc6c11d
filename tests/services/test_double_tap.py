"""A double tap on PostgreSQL. The same form sent twice at once is one idea: the second
request waits for the first, finds the idea stored under the form's id and shows its receipt.
And two requests that send the same kept file (ideas/held_files.py) at once: the second waits
for the first (on the year's reference number and on the kept file's row), then finds the file
taken, and its idea is stored without it instead of failing on bytes the first one's commit
deleted."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from ideas import held_files, services
from ideas.models import HeldFile, Idea, Theme
from portal.outbox.models import Message, MessageKind
from tests.factories import municipality
from tests.ideas.conftest import valid_form
from tests.ideas.test_attachments import PNG

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SUBMIT = reverse("ideas:submit")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def kept_photo() -> services.Attachment:
    photo = SimpleUploadedFile("karta.png", PNG, content_type="image/png")
    (held,) = held_files.files_hold(
        [services.Attachment(upload=photo, name="karta.png", content_type="image/png")]
    )
    return held_files.held_attachment(held)


def send(attachment: services.Attachment, title: str) -> services.SubmittedIdea:
    return services.idea_submit(
        title=title,
        description="En buss till byn.",
        municipality=municipality("1885"),
        themes=[Theme.objects.first()],
        attachments=[attachment],
    )


def test_the_second_tap_waits_for_the_first_and_its_idea_comes_without_the_taken_file():
    attachment = kept_photo()
    first_stored, first_may_commit = threading.Event(), threading.Event()
    first: list[services.SubmittedIdea] = []

    def first_tap() -> None:
        try:
            with transaction.atomic():
                first.append(send(attachment, "Bybuss"))
                first_stored.set()
                first_may_commit.wait(timeout=20)
        finally:
            connection.close()

    def second_tap(into: list) -> None:
        try:
            into.append(send(attachment, "Bybuss igen"))
        except Exception as error:  # the test says what went wrong, not an IndexError
            into.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=first_tap)
    thread.start()
    assert first_stored.wait(timeout=20)
    second: list[services.SubmittedIdea | Exception] = []
    waiting = threading.Thread(target=second_tap, args=(second,))
    waiting.start()
    waiting.join(timeout=1)
    assert waiting.is_alive(), "the second tap did not wait for the first one"
    first_may_commit.set()
    thread.join(timeout=20)
    waiting.join(timeout=20)

    assert list(first[0].idea.attachments.values_list("original_name", flat=True)) == ["karta.png"]
    assert isinstance(second[0], services.SubmittedIdea), f"the second tap failed: {second[0]!r}"
    assert not second[0].idea.attachments.exists()
    assert HeldFile.objects.count() == 0


def test_the_same_form_sent_twice_at_once_is_one_idea_and_both_taps_get_its_receipt():
    data = valid_form(submitter_email="anna@example.org")
    first_sent, first_may_commit = threading.Event(), threading.Event()
    answers: dict[str, object] = {}

    def first_tap() -> None:
        try:
            with transaction.atomic():
                answers["first"] = Client().post(SUBMIT, data).status_code
                first_sent.set()
                first_may_commit.wait(timeout=20)
        finally:
            connection.close()

    def second_tap() -> None:
        browser = Client()
        try:
            answers["second"] = browser.post(SUBMIT, data, follow=True).content.decode()
        except Exception as error:  # the test says what went wrong
            answers["second"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=first_tap)
    thread.start()
    assert first_sent.wait(timeout=20)
    waiting = threading.Thread(target=second_tap)
    waiting.start()
    waiting.join(timeout=1)
    assert waiting.is_alive(), "the second tap did not wait for the first one"
    first_may_commit.set()
    thread.join(timeout=20)
    waiting.join(timeout=20)

    idea = Idea.objects.get()
    assert answers["first"] == 302
    assert isinstance(answers["second"], str), f"the second tap failed: {answers['second']!r}"
    assert idea.reference in answers["second"]
    assert "/track/" in answers["second"]
    assert Message.objects.filter(kind=MessageKind.RECEIPT).count() == 1
