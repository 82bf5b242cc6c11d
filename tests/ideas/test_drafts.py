"""Save and continue later: a draft link sent by email reopens the form filled in."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea, IdeaDraft
from portal.outbox.models import Message
from tests.ideas.conftest import valid_form

pytestmark = pytest.mark.django_db
SUBMIT = "/idea/new/"


def save_draft(client, **overrides):
    data = valid_form(consent="", **overrides)
    data["save_draft"] = "1"
    return client.post(SUBMIT, data)


def test_saving_a_draft_mails_a_link_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = save_draft(client, description="", themes=None)
    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()
    assert Idea.objects.count() == 0
    draft = IdeaDraft.objects.get()
    assert draft.email == "anna@example.org"
    message = Message.objects.get()
    assert message.recipient == "anna@example.org"
    assert len(mail.outbox) == 1
    token = re.search(r"/idea/draft/([\w-]+)/", mail.outbox[0].body).group(1)
    assert len(token) >= 22
    assert token not in draft.token_hash


def test_the_draft_link_reopens_the_form_filled_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client, submitter_phone="070-555 44 33")
    link = re.search(r"(/idea/draft/[\w-]+/)", mail.outbox[0].body).group(1)

    other_device = client.__class__()
    response = other_device.get(link, follow=True)

    page = response.content.decode()
    assert "Mötesplats i gamla skolan" in page
    assert "Byn saknar en plats" in page
    assert "070-555 44 33" in page
    assert re.search(r'value="local_development_group"[^>]*checked', page)
    assert 'id="error-summary"' not in page


def test_sending_the_reopened_draft_submits_the_idea_and_forgets_the_draft(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client)
    link = re.search(r"(/idea/draft/[\w-]+/)", mail.outbox[0].body).group(1)
    client.get(link)
    client.post(SUBMIT, valid_form())
    assert Idea.objects.count() == 1
    # What the draft held is forgotten; only that it was sent, and as which idea, is kept.
    draft = IdeaDraft.objects.get()
    assert (draft.data, draft.email, draft.submitted_idea) == ({}, "", Idea.objects.get())
    assert "Mötesplats i gamla skolan" not in client.get(SUBMIT).content.decode()


def test_a_used_draft_link_says_which_idea_it_became_and_where_its_link_is(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client)
    link = re.search(r"(/idea/draft/[\w-]+/)", mail.outbox[0].body).group(1)
    client.get(link)
    client.post(SUBMIT, valid_form())
    reference = Idea.objects.get().reference

    response = client.get(link)

    page = response.content.decode()
    assert response.status_code == 410
    assert f"Du skickade utkastet som idén {reference}." in page
    assert "länken i kvittot som vi mejlade till dig" in page
    assert reverse("ideas:lost_link") in page
    assert "Mötesplats i gamla skolan" not in page  # the form is not opened again


def test_a_used_draft_link_speaks_the_ideas_language(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client, language="en")
    link = re.search(r"(/idea/draft/[\w-]+/)", mail.outbox[0].body).group(1)
    client.get(link)
    client.post(SUBMIT, valid_form(language="en"))

    page = client.get(link).content.decode()

    assert f"You sent this draft as the idea {Idea.objects.get().reference}." in page
    assert "Du skickade" not in page


def test_a_draft_needs_an_email_address(client):
    response = save_draft(client, submitter_email="")
    assert response.status_code == 200
    assert IdeaDraft.objects.count() == 0
    assert 'href="#id_submitter_email"' in response.content.decode()


def test_a_draft_still_refuses_bad_input(client):
    response = save_draft(client, title="x" * 300)
    assert IdeaDraft.objects.count() == 0
    assert 'href="#id_title"' in response.content.decode()


def test_a_draft_link_that_was_made_up_finds_nothing(client):
    assert client.get("/idea/draft/made-up/").status_code == 404


def test_a_draft_with_a_nul_byte_is_refused_with_a_message(client):
    response = save_draft(client, need="Hej\x00")
    assert IdeaDraft.objects.count() == 0
    assert 'href="#id_need"' in response.content.decode()


def test_expired_drafts_stop_working_and_are_purged(client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client)
    link = re.search(r"(/idea/draft/[\w-]+/)", mail.outbox[0].body).group(1)
    IdeaDraft.objects.update(updated_at=timezone.now() - timedelta(days=31))
    assert client.get(link).status_code == 404
    call_command("purge_drafts")
    assert IdeaDraft.objects.count() == 0


def test_saving_drafts_counts_against_the_rate_limit(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.IDEAS_SUBMIT_RATE = "1/h"
    save_draft(client)
    response = save_draft(client)
    assert response.status_code == 429
    assert IdeaDraft.objects.count() == 1


def test_after_saving_a_draft_the_form_on_the_same_computer_is_empty(client):
    save_draft(client, title="Hemlig idé")
    assert "Hemlig idé" not in client.get(SUBMIT).content.decode()


def test_a_reopened_draft_sent_at_once_is_not_called_too_fast(
    client, django_capture_on_commit_callbacks
):
    """Everything is filled in already: ticking the consent and sending takes two seconds."""
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client)
    IdeaDraft.objects.update(created_at=timezone.now() - timedelta(hours=1))
    link = re.search(r"(/idea/draft/[\w-]+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    response = client.post(SUBMIT, valid_form(started=started), follow=True)
    assert "That was very fast" not in response.content.decode()
    assert "Det gick väldigt fort" not in response.content.decode()
    assert Idea.objects.count() == 1
