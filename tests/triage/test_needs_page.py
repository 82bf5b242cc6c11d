"""The public map of the county's needs (/needs/), read by an anonymous resident in Swedish,
English and Arabic: the right counts for the period, small ones hidden so that none can be
worked out, titles only of ideas whose owners said yes, and never who sent an idea."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea
from tests.factories import IdeaFactory, ThemeFactory, municipality
from tests.journeys.conftest import Page
from triage.insights import public_figures

pytestmark = pytest.mark.django_db
Status = workflow.Status
FEWER = {"sv": "färre än 3", "en": "fewer than 3", "ar": "أقل من 3"}
NOT_SHOWN = {"sv": "visas inte", "en": "not shown", "ar": "غير معروض"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def ideas(count: int, code: str, **fields) -> list[Idea]:
    return [IdeaFactory(municipality=municipality(code), **fields) for _ in range(count)]


@pytest.fixture
def county():
    """Twelve ideas counted this year, and others that must not count or show."""
    fibre, café = ThemeFactory(slug="fibre", name_sv="Fiber"), ThemeFactory(slug="cafe")
    ideas(3, "1880", status=Status.REFERRED, themes=[fibre])
    ideas(1, "1880", status=Status.RECEIVED, themes=[fibre])
    ideas(
        1,
        "1880",
        themes=[fibre],
        public_listing=True,
        title="Fiber i Glanshammar",
        submitter_name="Astrid Öppen",
        submitter_email="astrid@example.org",
    )
    ideas(3, "1883", status=Status.IN_SUPPORT, is_rural=True, themes=[café])
    ideas(1, "1883", status=Status.CLOSED, is_rural=True, themes=[café])
    ideas(1, "1860", status=Status.DECLINED, themes=[café])
    ideas(1, "1884", themes=[café])
    ideas(1, "1884", themes=[café], title="Hemlig idé i Nora", submitter_name="Nils Nora")
    # Withdrawn or erased: never counted, never listed, even with the owner's yes.
    ideas(3, "1881", status=Status.WITHDRAWN, public_listing=True, title="Återtagen idé")
    ideas(
        1,
        "1881",
        public_listing=True,
        title="Raderad idé",
        anonymised_at=timezone.now(),
        submitter_name="",
        submitter_email="",
    )
    # Three ideas from Hällefors two years ago: outside the last 12 months.
    ideas(
        3,
        "1863",
        created_at=timezone.now() - timedelta(days=730),
        public_listing=True,
        title="Gammal idé i Hällefors",
    )


def needs(language: str = "sv", **query) -> Page:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("needs"), query)
    assert response.status_code == 200
    return Page.of(response)


def cell(page: Page, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', page.html)
    assert match, f"no #{element_id} on the page"
    return match.group(1).strip()


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_a_resident_reads_the_counts_of_the_last_12_months_in_their_language(county, language):
    page = needs(language)

    assert (page.lang, page.dir) == (language, "rtl" if language == "ar" else "ltr")
    assert cell(page, "needs-total") == "12"
    assert cell(page, "municipality-1880") == "5"
    assert cell(page, "municipality-1883") == "4"
    # Two ideas in Nora, one in Laxå, none in Kumla (its ideas were withdrawn or erased), the
    # old ones of Hällefors outside the period: all "fewer than 3".
    for code in ("1884", "1860", "1881", "1863", "1864"):
        assert cell(page, f"municipality-{code}") == FEWER[language], code
    assert cell(page, "theme-fibre") == "5" and cell(page, "theme-cafe") == "7"
    assert cell(page, "rural-rural") == "4" and cell(page, "rural-not_rural") == "8"
    assert cell(page, "needs-rural-share") == "33 %"
    assert cell(page, "outcome-considered") == "4"
    assert cell(page, "outcome-referred") == "3" and cell(page, "outcome-in_support") == "3"
    assert cell(page, "outcome-closed") == FEWER[language]
    assert cell(page, "outcome-declined") == FEWER[language]
    assert re.search(r">[12]<", page.html) is None, "a count of 1 or 2 is on the page"


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_only_ideas_whose_owners_said_yes_are_listed_and_never_who_sent_them(county, language):
    page = needs(language)

    assert "Fiber i Glanshammar" in page.text
    for hidden in ("Hemlig idé i Nora", "Återtagen idé", "Raderad idé", "Gammal idé"):
        assert hidden not in page.text, hidden
    for owner in ("Astrid Öppen", "astrid@example.org", "Nils Nora", "Anna Andersson"):
        assert owner not in page.text, owner
    main = re.search(r"<main.*?</main>", page.html, re.S)
    assert main and "@" not in main.group(0)  # no address at all, only the footer's own


def test_the_tile_map_has_a_tile_with_its_number_for_each_of_the_twelve_municipalities(county):
    page = needs("en")

    tiles = re.findall(
        r'<li class="needs-tile needs-col-(\d) needs-row-(\d) needs-shade-(\d)"[^>]*>'
        r'<span class="needs-tile-name">([^<]+)</span> <span class="needs-tile-count">([^<]+)<',
        page.html,
    )
    assert len(tiles) == 12
    by_name = {
        name.replace("\u00ad", ""): (column, row, shade, count)
        for column, row, shade, name, count in tiles
    }
    assert by_name["Örebro"] == ("3", "3", "4", "5")  # the most ideas: the darkest shade
    assert by_name["Karlskoga"][3] == "4" and by_name["Karlskoga"][2] == "4"
    assert by_name["Laxå"] == ("1", "5", "0", "fewer than 3")
    assert by_name["Ljusnarsberg"][:2] == ("3", "1")  # north at the top
    # The map stays west to east on a right-to-left page.
    assert re.search(r'<ul class="needs-map list-unstyled" dir="ltr"', needs("ar").html)
    # The same figures in a real table, beside it.
    assert '<caption id="municipality-caption">' in page.html
    assert '<th scope="row" class="fw-normal">Whole Örebro County</th>' in page.html


def test_the_period_can_be_all_ideas_this_year_or_dates_typed_in(county):
    everything = needs("sv", period="all")
    two_years_ago = (timezone.localdate() - timedelta(days=730)).isoformat()
    that_day = needs("sv", start=two_years_ago, end=two_years_ago)

    assert cell(everything, "needs-total") == "15"
    assert cell(everything, "municipality-1863") == "3"
    assert "Gammal idé i Hällefors" in everything.text
    assert cell(that_day, "needs-total") == "3"
    assert cell(that_day, "municipality-1880") == FEWER["sv"]
    assert 'aria-current="true">Alla idéer<' in everything.html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "next friday"}, "start", "Enter a valid date."),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end", "The end date must be on"),
        ({"end": "1066-10-14"}, "end", "Enter a date from 2000-01-01 to 2100-12-31."),
    ],
)
def test_dates_that_cannot_be_used_get_a_message_at_their_field_and_are_kept(
    county, query, field, message
):
    page = needs("en", **query)

    assert re.search(
        rf'<input type="text" name="{field}" value="{query[field]}"[^>]*'
        rf'aria-invalid="true" aria-describedby="[^"]*id_{field}_error',
        page.html,
    )
    assert re.search(rf'id="id_{field}_error".*?{re.escape(message)}', page.html, re.S)
    assert f'href="#id_{field}"' in page.html  # the error summary leads to the field
    assert "the figures are for the last 12 months" in page.text
    assert cell(page, "needs-total") == "12"


def test_arabic_digits_typed_in_a_date_are_read_as_the_date(county):
    two_years_ago = timezone.localdate() - timedelta(days=730)
    arabic = two_years_ago.isoformat().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    page = needs("ar", start=arabic, end=arabic)

    assert cell(page, "needs-total") == "3"


def test_one_small_count_beside_a_total_hides_the_other_count_and_the_share():
    ideas(2, "1880", is_rural=True)
    ideas(8, "1880")

    page = needs("sv")

    assert cell(page, "rural-rural") == FEWER["sv"]
    # 10 - 8 would give the 2 back: the 8 is not shown, nor the share.
    assert cell(page, "rural-not_rural") == NOT_SHOWN["sv"]
    assert cell(page, "needs-rural-share") == NOT_SHOWN["sv"]
    assert cell(page, "needs-total") == "10"


def test_every_status_but_withdrawn_is_in_exactly_one_outcome():
    grouped = [status for _key, _label, states in public_figures.OUTCOMES for status in states]

    assert sorted(grouped) == sorted(set(Status) - {Status.WITHDRAWN})


def test_the_page_counts_in_a_fixed_number_of_queries_however_many_ideas(
    county, django_assert_num_queries
):
    with django_assert_num_queries(6):  # the marks, then five aggregate and listing queries
        needs("sv")
    ideas(20, "1885", public_listing=True)
    cache.clear()
    with django_assert_num_queries(6):
        needs("sv")
    # Kept until an idea changes: only the marks are read again.
    with django_assert_num_queries(1):
        needs("sv")


def test_a_change_to_an_idea_shows_at_once_despite_the_cache(county):
    assert "Fiber i Glanshammar" in needs("sv").text

    listed = Idea.objects.get(title="Fiber i Glanshammar")
    from ideas.services import idea_public_listing_set

    idea_public_listing_set(idea=listed, public=False)

    assert "Fiber i Glanshammar" not in needs("sv").text


def test_the_footer_of_every_page_links_to_the_needs_page():
    page = Page.of(Client().get(reverse("home")))

    footer = re.search(r"<footer.*?</footer>", page.html, re.S)
    assert footer and f'href="{reverse("needs")}">Länets behov<' in footer.group(0)


def test_an_arabic_title_finds_its_direction_without_telling_the_owners_language():
    IdeaFactory(title="مقهى لغوي في المكتبة", public_listing=True, language="ar")

    page = needs("sv")

    assert re.search(
        r'<span class="needs-listed-title" dir="auto">مقهى لغوي في المكتبة<', page.html
    )
    assert 'lang="ar"' not in re.search(r"<main.*?</main>", page.html, re.S).group(0)


def test_easy_to_read_swedish_gets_its_own_sentences_and_says_lang_sv(county):
    easy = needs("sv-easy")
    plain = needs("sv")

    assert easy.lang == "sv"
    assert "Vi visar inte små antal." in easy.text
    assert "Vi visar inte små antal." not in plain.text
    assert cell(easy, "municipality-1860") == FEWER["sv"]
