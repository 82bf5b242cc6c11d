"""A resident who lost the tracking link has a new one mailed to the address the idea came from."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from ideas import services
from ideas.models import Theme
from tests.factories import municipality

pytestmark = pytest.mark.django_db
LOST = reverse("ideas:lost_link")
SAME_ANSWER = "Om en idé har skickats från {email} har vi nu mejlat en ny länk"


def _submit(email: str, language: str = "sv", title: str = "Bybuss"):
    return services.idea_submit(
        title=title,
        description="En buss.",
        municipality=municipality("1885"),
        themes=[Theme.objects.first()],
        submitter_email=email,
        language=language,
    )


def _ask(client, email: str, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(LOST, {"email": email})


def test_each_idea_from_the_address_gets_a_new_link_in_its_own_language(
    client, django_capture_on_commit_callbacks
):
    swedish = _submit("Bo@Example.org", "sv", "Bybuss i Ramsberg")
    english = _submit("bo@example.org", "en", "Bus stop")
    arabic = _submit("bo@example.org", "ar", "Mötesplats")
    other = _submit("karin@example.org", "sv", "Annan idé")

    response = _ask(client, " bo@example.org ", django_capture_on_commit_callbacks)

    assert SAME_ANSWER.format(email="bo@example.org") in response.content.decode()
    by_subject = {m.subject: m for m in mail.outbox}
    assert set(by_subject) == {
        f"En ny länk till din idé ({swedish.idea.reference})",
        f"A new link to your idea ({english.idea.reference})",
        f"رابط جديد لفكرتك ({arabic.idea.reference})",
    }
    assert all(m.to == [m.to[0]] and m.to[0].lower() == "bo@example.org" for m in mail.outbox)
    english_mail = by_subject[f"A new link to your idea ({english.idea.reference})"]
    assert "It replaces the old one, which no longer works." in english_mail.body
    assert "Behåll länken" not in english_mail.body
    new_link = re.search(r"(/track/[\w-]+/)", english_mail.body).group(1)
    assert "Bus stop" in client.get(new_link).content.decode()
    # The old link stops working; the idea of another address keeps its link.
    assert client.get(reverse("ideas:track", args=[english.tracking_token])).status_code == 404
    assert client.get(reverse("ideas:track", args=[other.tracking_token])).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, django_capture_on_commit_callbacks
):
    _submit("bo@example.org")
    response = _ask(client, "ingen@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert SAME_ANSWER.format(email="ingen@example.org") in response.content.decode()
    assert mail.outbox == []


def test_an_erased_idea_gets_no_link(client, django_capture_on_commit_callbacks):
    submitted = _submit("bo@example.org")
    client.post(reverse("ideas:erase", args=[submitted.tracking_token]))
    _ask(client, "bo@example.org", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_bad_address_is_explained_next_to_the_field_and_kept(client):
    response = client.post(LOST, {"email": "bo(at)example"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_email"' in page and 'value="bo(at)example"' in page
    assert "Fyll i en giltig e-postadress." in page


def test_asking_for_links_is_rate_limited(client, settings, django_capture_on_commit_callbacks):
    settings.RATELIMIT_ENABLE = True
    settings.IDEAS_LINK_RATE = "2/h"
    _submit("bo@example.org")
    _ask(client, "bo@example.org", django_capture_on_commit_callbacks)
    _ask(client, "bo@example.org", django_capture_on_commit_callbacks)
    response = _ask(client, "bo@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Många länkar har begärts på kort tid." in response.content.decode()
    assert mail.outbox == []


def test_one_address_cannot_be_flooded_from_many_connections(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RATELIMIT_ENABLE = True
    settings.IDEAS_LINK_RATE = "1/h"
    _submit("bo@example.org")
    _ask(client, "bo@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LOST, {"email": "BO@example.org"}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 429
    assert mail.outbox == []


def test_the_front_page_and_a_used_draft_lead_to_the_form(client):
    assert LOST in client.get(reverse("home")).content.decode()
    assert 'name="email"' in client.get(LOST).content.decode()
