"""The public directory of the members: only partners that agreed to be listed, what they
offer, where and in which themes, their role addresses and never a contact person; filters in
the query string (a GET form, no JavaScript), pages, in Swedish and English."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.views import DIRECTORY_PAGE_SIZE
from tests.factories import (
    PartnerContactFactory,
    PartnerFactory,
    SupportKindFactory,
    ThemeFactory,
    municipality,
)

pytestmark = pytest.mark.django_db
URL = "/partners/directory/"


@pytest.fixture
def members():
    fibre = ThemeFactory(
        slug="fibre-t", name_sv="Fiber och bredband", name_en="Fibre and broadband"
    )
    culture = ThemeFactory(slug="culture-t", name_sv="Kultur och fritid", name_en="Culture")
    advice = SupportKindFactory(slug="advice-s", name_sv="Rådgivning", name_en="Advice")
    money = SupportKindFactory(slug="money-s", name_sv="Finansiering", name_en="Funding")
    ramsberg = PartnerFactory(
        name="Byalaget Ramsberg",
        listed_publicly=True,
        email="info@ramsberg.example.org",
        phone="0581-123 45",
        contacts=0,
    )
    ramsberg.themes.set([fibre])
    ramsberg.support_kinds.set([advice])
    ramsberg.municipalities.set([municipality("1885")])
    county = PartnerFactory(
        name="Hela länet ska leva", listed_publicly=True, covers_whole_county=True, contacts=0
    )
    county.themes.set([culture])
    county.support_kinds.set([money])
    karlskoga = PartnerFactory(name="Språkcafé Karlskoga", listed_publicly=True, contacts=0)
    karlskoga.themes.set([culture])
    karlskoga.support_kinds.set([advice])
    karlskoga.municipalities.set([municipality("1883")])
    hidden = PartnerFactory(name="Dold förening", listed_publicly=False, contacts=0)
    resting = PartnerFactory(
        name="Vilande förening", listed_publicly=True, is_active=False, contacts=0
    )
    for partner in (ramsberg, county, karlskoga, hidden, resting):
        PartnerContactFactory(
            partner=partner, name="Zelda Hemligsson", email="zelda.hemlig@privat.example"
        )
    return locals()


def _names(page: str) -> list[str]:
    return re.findall(r'<h2 class="h4 card-title" id="[^"]+">([^<]+)</h2>', page)


def test_anyone_reads_what_each_listed_member_offers_and_how_to_reach_the_organisation(
    client, members
):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    page = response.content.decode()
    assert _names(page) == ["Byalaget Ramsberg", "Hela länet ska leva", "Språkcafé Karlskoga"]
    for text in ("Fiber och bredband", "Rådgivning", "Lindesberg", "Hela länet", "Karlskoga"):
        assert text in page
    assert 'href="mailto:info@ramsberg.example.org"' in page and "0581-123 45" in page
    for secret in ("Dold förening", "Vilande förening", "Zelda", "Hemligsson", "zelda.hemlig"):
        assert secret not in page


def test_the_directory_is_in_english_too_and_in_english_for_arabic_readers(client, members):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in page
    assert "Fibre and broadband" in page and "Advice" in page and "The whole county" in page
    assert "Fiber och bredband" not in page
    arabic = client.get(URL, HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=fibre-t", ["Byalaget Ramsberg"]),
        ("theme=culture-t", ["Hela länet ska leva", "Språkcafé Karlskoga"]),
        ("support=advice-s", ["Byalaget Ramsberg", "Språkcafé Karlskoga"]),
        # The whole county's partner covers every municipality.
        ("municipality=1883", ["Hela länet ska leva", "Språkcafé Karlskoga"]),
        ("municipality=1885", ["Byalaget Ramsberg", "Hela länet ska leva"]),
        ("theme=culture-t&support=advice-s", ["Språkcafé Karlskoga"]),
        ("theme=culture-t&support=advice-s&municipality=1885", []),
    ],
)
def test_the_filters_work_from_the_query_string_without_javascript(
    client, members, query, expected
):
    page = client.get(f"{URL}?{query}").content.decode()
    assert _names(page) == expected


def test_the_filter_form_is_a_get_form_with_a_label_for_every_field(client, members):
    page = client.get(URL).content.decode()
    form = re.search(r'<form method="get".*?</form>', page, re.S).group(0)
    assert "<script" not in page.split("<footer")[0].split("</nav>", 1)[-1]
    for name in ("theme", "support", "municipality"):
        field_id = re.search(rf'name="{name}"[^>]*id="([^"]+)"', form).group(1)
        assert f'for="{field_id}"' in form
    assert page.count("<h1") == 1


def test_the_directory_comes_in_pages_that_keep_the_filters(client):
    theme = ThemeFactory(slug="many-t")
    for index in range(DIRECTORY_PAGE_SIZE + 3):
        PartnerFactory(name=f"Förening {index:02}", listed_publicly=True, contacts=0).themes.set(
            [theme]
        )
    first = client.get(f"{URL}?theme=many-t").content.decode()
    assert len(_names(first)) == DIRECTORY_PAGE_SIZE
    assert "?theme=many-t&amp;page=2" in first
    second = client.get(f"{URL}?theme=many-t&page=2").content.decode()
    assert len(_names(second)) == 3


def test_the_footer_of_every_page_links_to_the_directory(client):
    assert f'href="{reverse("partners:directory")}"' in client.get(reverse("home")).content.decode()


def _members(count: int, theme, support) -> None:
    for _index in range(count):
        partner = PartnerFactory(listed_publicly=True, contacts=0)
        partner.themes.set([theme])
        partner.support_kinds.set([support])
        partner.municipalities.set([municipality("1880")])


def test_the_directory_reads_the_same_number_of_queries_however_many_members(client):
    theme, support = ThemeFactory(), SupportKindFactory()
    _members(2, theme, support)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _members(15, theme, support)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_a_filter_value_that_does_not_exist_is_named_next_to_its_field(client, members):
    page = client.get(f"{URL}?theme=no-such-theme&support=advice-s", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="theme"' in text and "is-invalid" in text
    assert "Select a valid choice" in text
    assert _names(text) == []
