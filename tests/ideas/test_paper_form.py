"""The blank idea form on paper, and a paper form typed in later (issue 20).

The paper asks what the online form asks, in the resident's language, so that whatever a
resident writes on it fits the form staff type it into; the idea remembers it came on paper.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ideas.forms import IdeaSubmitForm
from ideas.models import Channel, Idea
from tests.ideas.test_intake import fast_form

pytestmark = pytest.mark.django_db


def visible(html: str) -> str:
    body = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_paper_asks_every_question_of_the_online_form_in_the_page_language(language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("ideas:paper_form"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    text = visible(html)
    with translation.override(language):
        form = IdeaSubmitForm()
        for name in ("title", "need", "description", "municipality", "themes", "consent"):
            label = re.sub(r"<[^>]+>", "", str(form[name].label))
            assert label in text, f"{name}: {label!r} is not on the {language} paper"
        municipalities = [str(label) for value, label in form.fields["municipality"].choices]
        assert len(municipalities) >= 12
        for municipality in municipalities[1:]:  # after the empty choice
            assert municipality in text, f"{municipality!r} is not on the {language} paper"
        # Files cannot go on paper, and the spam traps are for machines.
        assert str(form["attachments"].label) not in text
    assert "<svg" in html and reverse("ideas:submit") in html  # the QR code to the online form
    assert not re.search(
        r"<(input|textarea|select)\b(?![^>]*(csrf|language))", html[html.index("<main") :]
    )


def test_the_paper_is_drawn_for_a4_and_prints_only_the_form():
    css = (settings.BASE_DIR / "static" / "css" / "paper-form.css").read_text()
    html = Client().get(reverse("ideas:paper_form")).content.decode()
    assert 'href="/static/css/paper-form.css"' in html
    assert "size: A4" in css and ".site-header, .site-footer" in css


def test_a_paper_form_typed_in_later_is_stored_as_come_on_paper(staff_client, event):
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    page = staff_client.get(reverse("ideas:intake_new")).content.decode()
    assert "Inskriven från en pappersblankett" in page
    staff_client.post(reverse("ideas:intake_new"), fast_form(title="Från papper", on_paper="on"))
    staff_client.post(reverse("ideas:intake_new"), fast_form(title="På plattan"))
    assert Idea.objects.get(title="Från papper").channel == Channel.PAPER
    assert Idea.objects.get(title="På plattan").channel == Channel.CARAVAN_TOUR
    # Both carry the event and who typed them in.
    assert set(Idea.objects.values_list("outreach_event", flat=True)) == {event.pk}


def test_the_intake_page_links_to_the_blank_form(staff_client):
    page = staff_client.get(reverse("ideas:intake")).content.decode()
    assert f'href="{reverse("ideas:paper_form")}"' in page
