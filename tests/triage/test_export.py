import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import IdeaFactory, municipality

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_export_holds_the_filtered_list_without_personal_data(committee_client):
    IdeaFactory(
        title="Fiber i Nora",
        municipality=municipality("1884"),
        submitter_email="hemlig@example.org",
        submitter_phone="070-111 22 33",
    )
    IdeaFactory(title="Buss i Laxå", municipality=municipality("1860"))

    nora = municipality("1884").pk
    response = committee_client.get(reverse("triage:export", args=["csv"]), {"municipality": nora})

    assert response["Content-Disposition"].startswith("attachment")
    rows = csv_rows(response)
    assert [row[3] for row in rows[1:]] == ["Fiber i Nora"]
    body = response.content.decode("utf-8-sig")
    assert "hemlig@example.org" not in body and "070-111 22 33" not in body


def test_a_member_may_not_include_personal_data(committee_client):
    IdeaFactory(submitter_email="hemlig@example.org")
    response = committee_client.get(reverse("triage:export", args=["csv"]), {"personal": "1"})
    assert response.status_code == 403


def test_the_coordinator_may_include_personal_data_in_excel(coordinator_client):
    IdeaFactory(title='=HYPERLINK("http://evil")', submitter_email="anna@example.org")
    response = coordinator_client.get(reverse("triage:export", args=["xlsx"]), {"personal": "1"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert "anna@example.org" in values
    assert '\'=HYPERLINK("http://evil")' in values  # a formula stays text


def test_an_unknown_format_finds_nothing(committee_client):
    assert committee_client.get(reverse("triage:export", args=["pdf"])).status_code == 404


def test_the_dashboard_offers_the_export_with_its_filters(committee_client):
    page = committee_client.get(reverse("triage:dashboard"), {"q": "fiber"}).content.decode()
    assert reverse("triage:export", args=["xlsx"]) in page
    assert '<input type="hidden" name="q" value="fiber">' in page
    assert 'name="personal"' not in page  # only the coordinator sees that choice
