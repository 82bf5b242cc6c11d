"""The words and dates each reader sees are the portal's own, in the reader's language."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from ideas import services
from ideas.models import Theme
from tests.factories import IdeaFactory, municipality

pytestmark = pytest.mark.django_db


def choose_language(client, code: str) -> None:
    """Press the language switch in the page header, as a resident does."""
    client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


def _tracking_page(client, language: str) -> str:
    submitted = services.idea_submit(
        title="Bybuss",
        description="En buss.",
        municipality=municipality("1885"),
        themes=[Theme.objects.first()],
        submitter_email="bo@example.org",
        language=language,
    )
    choose_language(client, language)
    return client.get(reverse("ideas:track", args=[submitted.tracking_token])).content.decode()


def _first_of_december() -> datetime:
    return datetime(2026, 12, 1, 10, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _idea_page(client, idea) -> str:
    return client.get(reverse("triage:idea_detail", args=[idea.reference])).content.decode()


def test_the_sort_menu_says_which_way_it_sorts_in_swedish(committee_client):
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert ">Inskickad (senaste först)</option>" in page
    assert ">Titel (A–Ö)</option>" in page
    assert "descending" not in page and "fallande" not in page


def test_the_sort_menu_says_which_way_it_sorts_in_english(committee_client):
    choose_language(committee_client, "en")
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert ">Submitted (newest first)</option>" in page
    assert "descending" not in page and "Inskickad" not in page


@pytest.mark.parametrize(
    ("language", "county", "absent"),
    [
        ("sv", "Hela Örebro län", "Whole Örebro County"),
        ("en", "Whole Örebro County", "Hela Örebro län"),
        ("ar", "محافظة أوربرو كلها", "Hela Örebro län"),
    ],
)
def test_the_whole_county_is_named_in_the_readers_language(client, language, county, absent):
    choose_language(client, language)
    page = client.get(reverse("ideas:submit")).content.decode()
    options = page[page.index('name="municipality"') :].split("</select>")[0]
    assert f">{county}</option>" in options
    assert absent not in options


def test_english_dates_read_day_month_year(client, committee_client):
    idea = IdeaFactory(created_at=_first_of_december())
    choose_language(committee_client, "en")
    page = _idea_page(committee_client, idea)
    assert "1 Dec 2026, 10:30" in page
    assert "12/01/2026" not in page and "Dec. 1, 2026" not in page


def test_swedish_dates_read_year_month_day(committee_client):
    idea = IdeaFactory(created_at=_first_of_december())
    page = _idea_page(committee_client, idea)
    assert "2026-12-01 10:30" in page


def test_the_arabic_history_heading_is_the_portals_word_not_the_admins(client):
    page = _tracking_page(client, "ar")
    assert '<h2 class="h5">السجل</h2>' in page
    assert "تاريخ" not in page


def test_the_swedish_batch_label_is_the_portals_word_not_the_admins(committee_client):
    IdeaFactory()
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    # crispy-forms renders the label (with the asterisk of a required field).
    assert re.search(r">\s*Åtgärd(<span class=\"asteriskField\">\*</span>)?\s*</label>", page)
    assert "Händelse" not in page
