import re

import pytest
from django.core import mail
from django.urls import reverse

from ideas.models import Idea, hash_token
from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import municipality

pytestmark = pytest.mark.django_db


def valid_form(**overrides) -> dict:
    from ideas.models import Theme

    data = {
        "title": "Mötesplats i gamla skolan",
        "description": "Vi vill göra om skolan till ett allaktivitetshus.",
        "municipality": municipality("1863").pk,
        "themes": [Theme.objects.get(slug="local-development").pk],
        "submitter_email": "anna@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_front_page_leads_a_resident_to_the_form(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("ideas:submit") in response.content.decode()


def test_a_resident_submits_an_idea_and_gets_a_reference_and_a_receipt(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ideas:submit"), valid_form(), follow=True)

    idea = Idea.objects.get()
    assert re.fullmatch(r"IL-\d{4}-0001", idea.reference)
    assert idea.reference in response.content.decode()
    assert idea.consent_version and idea.consent_given_at
    receipt = Message.objects.get(kind=MessageKind.RECEIPT)
    assert receipt.state == MessageState.SENT
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["anna@example.org"]
    assert idea.reference in sent.subject
    assert sent.extra_headers["Message-ID"] == receipt.message_id
    token = re.search(r"/track/([\w-]+)/", sent.body).group(1)
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    assert idea.tracking_token_hash == hash_token(token)
    assert token not in idea.tracking_token_hash


def test_the_tracking_link_shows_the_public_status(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"), valid_form())
    token = re.search(r"/track/([\w-]+)/", mail.outbox[0].body).group(1)

    response = client.get(reverse("ideas:track", kwargs={"token": token}))

    assert response.status_code == 200
    assert "Vi har tagit emot din idé" in response.content.decode()


def test_a_guessed_tracking_token_finds_nothing(client):
    assert client.get(reverse("ideas:track", kwargs={"token": "guess"})).status_code == 404


def test_a_missing_consent_is_explained_next_to_the_field_and_nothing_typed_is_lost(client):
    response = client.post(reverse("ideas:submit"), valid_form(consent=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert 'id="error-summary"' in page
    assert 'href="#id_consent"' in page
    assert 'aria-invalid="true"' in page
    assert "Mötesplats i gamla skolan" in page
    assert "Vi vill göra om skolan till ett allaktivitetshus." in page


def test_html_in_a_title_is_shown_as_text(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"), valid_form(title="<script>alert(1)</script>"))
    idea = Idea.objects.get()
    token = re.search(r"/track/([\w-]+)/", mail.outbox[0].body).group(1)
    page = client.get(reverse("ideas:track", kwargs={"token": token})).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert idea.title == "<script>alert(1)</script>"


def test_a_title_with_line_breaks_never_splits_a_mail_header(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:submit"),
                    valid_form(title="Idé\r\nBcc: victim@example.org"))
    message = mail.outbox[0].message()
    assert message["Bcc"] is None
    assert "\n" not in Idea.objects.get().title


def test_reference_numbers_count_up_within_a_year(client):
    client.post(reverse("ideas:submit"), valid_form())
    client.post(reverse("ideas:submit"), valid_form(title="Andra idén"))
    references = sorted(Idea.objects.values_list("reference", flat=True))
    assert [ref[-4:] for ref in references] == ["0001", "0002"]


def test_the_page_is_in_swedish_by_default_and_english_on_request(client):
    assert '<html lang="sv"' in client.get(reverse("ideas:submit")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("ideas:submit")).content.decode()
    assert '<html lang="en"' in page
    assert "Submit your idea" in page
