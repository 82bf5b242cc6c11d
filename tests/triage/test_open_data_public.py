"""The public open data (issue 19): the needs map's figures per calendar year as CSV and JSON
at stable addresses, a data card, and a DCAT-AP-SE catalogue a data portal can harvest; never
a number under 3, never one that gives a hidden one away, never a title or a person."""

import csv
import io
import json
from datetime import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea
from tests.factories import IdeaFactory, municipality
from triage.insights import public_open_data

pytestmark = pytest.mark.django_db
anonymous = Client


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def sent(count: int, code: str, year: int, **fields) -> None:
    for _ in range(count):
        idea = IdeaFactory(municipality=municipality(code), title="Hemlig titel", **fields)
        at = timezone.make_aware(datetime(year, 6, 1, 12))
        Idea.objects.filter(pk=idea.pk).update(created_at=at)


@pytest.fixture
def two_years():
    sent(5, "1880", 2025)  # Örebro
    sent(1, "1860", 2025)  # Laxå: one idea, which must not show
    sent(4, "1885", 2026)  # Lindesberg
    sent(3, "1885", 2026, status=workflow.Status.WITHDRAWN)  # not counted


def csv_rows() -> list[dict]:
    response = anonymous().get(reverse("open_data_csv_public"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Access-Control-Allow-Origin"] == "*"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_gives_each_year_its_figures_with_small_ones_left_out(two_years):
    rows = csv_rows()
    assert list(rows[0]) == public_open_data.COLUMNS
    cell = {(r["year"], r["table"], r["key"]): r for r in rows}
    assert cell[("2025", "municipality", "1880")]["ideas"] == "5"
    assert cell[("2025", "municipality", "1880")]["label"] == "Örebro"
    assert cell[("2025", "municipality", "1860")] | {} == {
        "year": "2025",
        "table": "municipality",
        "key": "1860",
        "label": "Laxå",
        "ideas": "",
        "note": "fewer_than_3",
    }
    assert cell[("2026", "municipality", "1885")]["ideas"] == "4"  # the withdrawn not counted
    assert cell[("2026", "total", "all")]["ideas"] == "4"
    for row in rows:
        if row["ideas"]:
            assert int(row["ideas"]) >= 3, row
        else:
            assert row["note"] in {"fewer_than_3", "not_shown"}, row


def test_no_hidden_one_or_two_can_be_worked_out_from_the_total(two_years):
    rows = csv_rows()
    for year in ("2025", "2026"):
        in_year = [r for r in rows if r["year"] == year]
        total = next(r for r in in_year if r["table"] == "total")
        for table in ("municipality", "area", "outcome"):
            cells = [r for r in in_year if r["table"] == table]
            hidden = [r for r in cells if not r["ideas"]]
            if total["ideas"] and len(hidden) == 1:
                shown = sum(int(r["ideas"]) for r in cells if r["ideas"])
                worked_out = int(total["ideas"]) - shown
                # A zero worked out names nobody; a one or a two would.
                assert worked_out not in (1, 2), (year, table, hidden)


def test_the_json_holds_the_same_rows_and_its_licence(two_years, settings):
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    response = anonymous().get(reverse("open_data_json"))
    body = json.loads(response.content)
    assert body["licence"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert body["columns"] == public_open_data.COLUMNS
    from_csv = [{k: v for k, v in row.items()} for row in csv_rows()]
    from_json = [{k: "" if v is None else str(v) for k, v in row.items()} for row in body["rows"]]
    assert from_json == from_csv


def test_the_data_hold_no_title_and_nothing_about_a_person(two_years):
    for name in ("open_data_csv_public", "open_data_json", "open_data_catalogue"):
        text = anonymous().get(reverse(name)).content.decode()
        assert "Hemlig titel" not in text
        assert "Anna Andersson" not in text and "@example.org" not in text


def test_the_catalogue_describes_the_dataset_for_a_data_portal(two_years, settings):
    settings.OPEN_DATA_LICENCE = "CC-BY-4.0"
    response = anonymous().get(reverse("open_data_catalogue"))
    assert response["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    (dataset,) = catalogue["dcat:dataset"]
    assert dataset["@type"] == "dcat:Dataset"
    assert {title["@language"] for title in dataset["dcterms:title"]} == {"sv", "en"}
    assert dataset["dcterms:license"]["@id"] == "http://creativecommons.org/licenses/by/4.0/"
    assert dataset["dcterms:publisher"]["foaf:name"] == settings.PARTNERSHIP_HOST
    assert dataset["dcterms:accrualPeriodicity"]["@id"].endswith("/frequency/UPDATE_CONT")
    assert dataset["dcterms:temporal"]["dcat:startDate"]["@value"] == "2025-01-01"
    assert dataset["dcat:contactPoint"]["vcard:hasEmail"].startswith("mailto:")
    formats = set()
    for distribution in dataset["dcat:distribution"]:
        url = distribution["dcat:downloadURL"]["@id"]
        assert url.startswith(settings.SITE_URL + "/open-data/")
        answer = anonymous().get(url.removeprefix(settings.SITE_URL))
        media = distribution["dcat:mediaType"]["@id"].rsplit("/", 2)[-2:]
        assert answer.status_code == 200 and answer["Content-Type"].startswith("/".join(media))
        formats.add(distribution["dcterms:format"]["@id"].rsplit("/", 1)[-1])
    assert formats == {"CSV", "JSON"}


@pytest.mark.parametrize(
    ("language", "heading", "licence"),
    [
        ("sv", "Öppna data", "Datan publiceras under"),
        ("en", "Open data", "published under"),
        ("ar", "البيانات المفتوحة", "تُنشر البيانات"),
    ],
)
def test_the_data_card_defines_every_column_in_the_readers_language(language, heading, licence):
    page = anonymous(HTTP_ACCEPT_LANGUAGE=language).get(reverse("open_data")).content.decode()
    assert f'<html lang="{language}"' in page and heading in page and licence in page
    for column in public_open_data.COLUMNS:
        assert f"<code>{column}</code>" in page
    for name in ("open_data_csv_public", "open_data_json", "open_data_catalogue"):
        assert f'href="{reverse(name)}"' in page
    needs = anonymous(HTTP_ACCEPT_LANGUAGE=language).get(reverse("needs")).content.decode()
    assert f'href="{reverse("open_data")}"' in needs


def test_a_licence_the_data_cannot_have_stops_the_portal_at_its_checks(settings):
    settings.OPEN_DATA_LICENCE = "all rights reserved"
    errors = public_open_data.check_open_data_licence()
    assert [error.id for error in errors] == ["triage.E001"]
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    assert public_open_data.check_open_data_licence() == []
