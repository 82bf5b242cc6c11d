"""A form sent twice is one idea: a double tap, or a phone on a poor line whose browser sends the
form again when the answer was lost, gives the resident the same receipt, not a second idea
and a second receipt mail. The same form changed after it was sent is a new idea."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ideas.models import Idea
from portal.outbox.models import Message, MessageKind
from tests.ideas.conftest import started_before_form_ids, valid_form

pytestmark = pytest.mark.django_db
SUBMIT = reverse("ideas:submit")


def _tracking_link(page: str) -> str:
    link = re.search(r"/track/[\w-]+/", page)
    assert link, "the receipt has no tracking link"
    return link.group(0)


def test_the_same_form_sent_again_shows_the_same_receipt_and_stores_one_idea(
    client, django_capture_on_commit_callbacks
):
    data = valid_form(language="en", submitter_email="anna@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(SUBMIT, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    # The answer was lost on the way: the browser sends the very same form again.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(SUBMIT, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    idea = Idea.objects.get()
    first_page, again_page = first.content.decode(), again.content.decode()
    assert idea.reference in again_page
    assert "Thank you" in again_page and "Tack" not in again_page
    assert _tracking_link(again_page) == _tracking_link(first_page)
    assert client.get(_tracking_link(again_page)).status_code == 200
    assert Message.objects.filter(kind=MessageKind.RECEIPT).count() == 1
    assert [sent.to for sent in mail.outbox] == [["anna@example.org"]]


def test_a_form_sent_again_from_another_tab_without_the_session_still_shows_the_receipt(
    client, django_capture_on_commit_callbacks
):
    data = valid_form()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBMIT, data)
    other = Client()  # the first answer's session never reached this request
    with django_capture_on_commit_callbacks(execute=True):
        again = other.post(SUBMIT, data, follow=True)

    idea = Idea.objects.get()
    page = again.content.decode()
    assert idea.reference in page
    assert "Tack" in page
    assert other.get(_tracking_link(page)).status_code == 200
    assert Message.objects.filter(kind=MessageKind.RECEIPT).count() == 1


def test_the_same_form_changed_after_it_was_sent_is_a_new_idea(client):
    data = valid_form()
    client.post(SUBMIT, data)
    # The back button, the form still filled in, and another idea typed over the first.
    client.post(SUBMIT, {**data, "title": "Ett bokcafé i byn", "description": "Böcker och kaffe."})

    assert sorted(Idea.objects.values_list("title", flat=True)) == [
        "Ett bokcafé i byn",
        "Mötesplats i gamla skolan",
    ]
    assert Message.objects.filter(kind=MessageKind.RECEIPT).count() == 2


def test_two_residents_with_the_same_idea_each_have_their_own(client):
    client.post(SUBMIT, valid_form())
    Client().post(SUBMIT, valid_form(submitter_email="bo@example.org"))
    assert Idea.objects.count() == 2


def test_a_form_opened_before_forms_had_ids_is_still_taken(client):
    started = started_before_form_ids()
    response = client.post(SUBMIT, valid_form(started=started))
    assert response.status_code == 302
    assert Idea.objects.count() == 1
