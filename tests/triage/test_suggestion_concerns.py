"""The idea's page tells the coordinator what speaks against each suggested partner, with what
it costs, in the language of the page: working elsewhere, at capacity, declining the theme
lately, no shared language with the idea's owner. A partner that works elsewhere comes after
the local ones and can still be chosen."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner
from tests.factories import (
    IdeaFactory,
    PartnerFactory,
    ReferralFactory,
    SupportKindFactory,
    ThemeFactory,
    municipality,
)
from tests.journeys.conftest import Page, visible_text

pytestmark = pytest.mark.django_db

LINDESBERG, KARLSKOGA = "1885", "1883"
CARD = '<li class="border-bottom'


@pytest.fixture
def idea(settings):
    """A fibre idea in Lindesberg written in Arabic, and one partner for each concern."""
    settings.MATCHING_DECLINE_WINDOW_DAYS = 180
    broadband = ThemeFactory(slug="bb", name_sv="Fiber och bredband", name_en="Broadband")
    idea = IdeaFactory(
        in_review=True, themes=[broadband], municipality=municipality(LINDESBERG), language="ar"
    )
    advice = SupportKindFactory(slug="advice", name_sv="Råd", name_en="Advice")
    idea.support_wanted.set([advice])

    def partner(name: str, place: str, **fields):
        made = PartnerFactory(name=name, **{"languages": ["sv"], **fields})
        made.themes.set([broadband])
        made.municipalities.set([municipality(place)])
        return made

    # Gives the advice, speaks Arabic, has room, works in Karlskoga only: best score, last.
    partner("Elsewhere Fibre", KARLSKOGA, languages=["sv", "ar"], capacity=3)
    Partner.objects.get(name="Elsewhere Fibre").support_kinds.set([advice])
    partner("Local Arabic", LINDESBERG, languages=["sv", "ar"], capacity=0)
    full = partner("Full Local", LINDESBERG, capacity=1)
    ReferralFactory(partner=full, state="sent")
    declining = partner("Declining Local", LINDESBERG, capacity=4)
    ReferralFactory(
        partner=declining,
        idea=IdeaFactory(themes=[broadband]),
        state="declined",
        answered_at=timezone.now() - timedelta(days=10),
    )
    return idea


def page_in(client, idea, language: str) -> tuple[Page, dict[str, str]]:
    """The idea's page in the language asked for, and the text of each partner's card."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    page = Page.of(client.get(reverse("triage:idea_detail", args=[idea.reference])))
    assert page.status == 200
    cards = {}
    for markup in page.html.split(CARD)[1:]:
        text = visible_text(CARD + markup.split("</ol>")[0])
        name = next(n for n in ("Elsewhere", "Local Arabic", "Full", "Declining") if n in text)
        cards[name] = text
    return page, cards


def names_in_order(page: Page) -> list[str]:
    order = ["Elsewhere Fibre", "Local Arabic", "Full Local", "Declining Local"]
    return sorted(order, key=page.html.index)


def test_the_coordinator_reads_what_speaks_against_each_partner_in_swedish(
    coordinator_client, idea
):
    page, cards = page_in(coordinator_client, idea, "sv")
    assert page.lang == "sv"
    assert "Emot:" in cards["Elsewhere"]
    assert "täcker inte Lindesberg (−20)" in cards["Elsewhere"]
    assert "kan hjälpa på arabiska (+10)" in cards["Elsewhere"]
    assert "ingen ledig plats (1 totalt) (−10)" in cards["Full"]
    assert "kan inte hjälpa på arabiska (−10)" in cards["Full"]
    assert "inga lediga platser (0 totalt) (−10)" in cards["Local Arabic"]
    assert "tackade nej till 1 idé på samma tema de senaste 180 dagarna (−12)" in cards["Declining"]
    # Only the partner working elsewhere is told so; the local ones cover Lindesberg.
    for name in ("Local Arabic", "Full", "Declining"):
        assert "täcker inte" not in cards[name] and "täcker Lindesberg (+20)" in cards[name]


def test_the_coordinator_reads_what_speaks_against_each_partner_in_english(
    coordinator_client, idea
):
    page, cards = page_in(coordinator_client, idea, "en")
    assert page.lang == "en"
    assert "Against:" in cards["Elsewhere"]
    assert "does not cover Lindesberg (−20)" in cards["Elsewhere"]
    assert "no place free (1 in all) (−10)" in cards["Full"]
    assert "cannot help in Arabic (−10)" in cards["Full"]
    assert "no places free (0 in all) (−10)" in cards["Local Arabic"]
    assert "declined 1 idea on the same theme in the last 180 days (−12)" in cards["Declining"]
    for name in ("Local Arabic", "Full", "Declining"):
        assert "does not cover" not in cards[name] and "covers Lindesberg (+20)" in cards[name]
    assert "täcker" not in page.text and "tackade nej" not in page.text


def test_a_coordinator_who_chose_arabic_reads_the_concerns_in_english_like_the_whole_page(
    coordinator_client, idea
):
    page, cards = page_in(coordinator_client, idea, "ar")
    assert page.lang == "en"
    assert "does not cover Lindesberg (−20)" in cards["Elsewhere"]
    assert "cannot help in Arabic (−10)" in cards["Full"]


def test_the_partner_that_works_elsewhere_comes_last_with_the_best_score_and_can_be_chosen(
    coordinator_client, idea
):
    page, cards = page_in(coordinator_client, idea, "en")
    assert names_in_order(page)[-1] == "Elsewhere Fibre"
    scores = {name: int(text.split(" of 100")[0].split()[-1]) for name, text in cards.items()}
    assert scores["Elsewhere"] > max(v for k, v in scores.items() if k != "Elsewhere")
    assert "Partners that work only in other municipalities come after" in page.text
    # Not hidden, not disabled: the refer form offers it.
    assert f'value="{Partner.objects.get(name="Elsewhere Fibre").pk}"' in page.html
