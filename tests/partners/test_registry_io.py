import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from partners.models import Partner, PartnerContact
from tests.factories import PartnerFactory, SupportKindFactory, ThemeFactory, municipality

pytestmark = pytest.mark.django_db

HEADER = [
    "slug",
    "name",
    "kind",
    "is_civil_society",
    "description",
    "website",
    "phone",
    "email",
    "themes",
    "support_kinds",
    "municipalities",
    "covers_whole_county",
    "languages",
    "capacity",
    "is_active",
    "contacts",
]


def row(**values) -> list:
    base = {
        "slug": "fiberforeningen",
        "name": "Fiberföreningen Kopparberg",
        "kind": "local_development_group",
        "is_civil_society": "ja",
        "description": "Fiber",
        "website": "https://fiber.example.org",
        "phone": "0580-123 45",
        "email": "",
        "themes": "bb",
        "support_kinds": "premises",
        "municipalities": "1864",
        "covers_whole_county": "nej",
        "languages": "sv, en",
        "capacity": "4",
        "is_active": "ja",
        "contacts": "Kim Kontakt | kim@fiber.example.org | Ordförande | ja",
    }
    base.update(values)
    return [base[name] for name in HEADER]


def csv_file(rows: list[list], name: str = "partners.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "partners.xlsx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def vocabulary():
    return ThemeFactory(slug="bb"), SupportKindFactory(slug="premises")


def preview(client, upload):
    return client.post(reverse("partners:import"), {"file": upload})


def confirm(client, response):
    return client.post(reverse("partners:import_confirm"), {"token": response.context["token"]})


def test_a_committee_member_cannot_import_or_export(committee_client):
    assert committee_client.get(reverse("partners:import")).status_code == 403
    assert (
        committee_client.post(reverse("partners:import"), {"file": csv_file([row()])}).status_code
        == 403
    )
    assert committee_client.get(reverse("partners:export", args=["xlsx"])).status_code == 403


def test_a_csv_import_shows_a_preview_and_changes_nothing_until_confirmed(
    coordinator_client, vocabulary
):
    response = preview(coordinator_client, csv_file([row(), row(slug="b", name="B-föreningen")]))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.is_valid
    assert [r.action for r in report.rows] == ["new", "new"]
    assert "Fiberföreningen Kopparberg" in response.content.decode()
    assert not Partner.objects.exists()

    response = confirm(coordinator_client, response)
    assert response.status_code == 302
    partner = Partner.objects.get(slug="fiberforeningen")
    assert partner.languages == ["sv", "en"]
    assert partner.capacity == 4 and partner.is_civil_society and not partner.covers_whole_county
    assert [t.slug for t in partner.themes.all()] == ["bb"]
    assert [m.code for m in partner.municipalities.all()] == ["1864"]
    contact = partner.contacts.get()
    assert (contact.email, contact.role, contact.receives_referrals) == (
        "kim@fiber.example.org",
        "Ordförande",
        True,
    )
    assert Partner.objects.count() == 2


def test_an_xlsx_import_updates_partners_by_their_key(coordinator_client, vocabulary):
    existing = PartnerFactory(slug="fiberforeningen", name="Gammalt namn", capacity=1)
    response = preview(coordinator_client, xlsx_file([row(capacity=7)]))
    assert response.status_code == 200, response.context["report"]
    assert [r.action for r in response.context["report"].rows] == ["update"]
    confirm(coordinator_client, response)
    existing.refresh_from_db()
    assert (existing.name, existing.capacity) == ("Fiberföreningen Kopparberg", 7)
    receiving = existing.contacts.filter(receives_referrals=True)
    assert list(receiving.values_list("email", flat=True)) == ["kim@fiber.example.org"]
    assert existing.contacts.count() == 2  # the one left out is kept, without referrals


def test_every_bad_row_is_listed_with_its_reason_and_nothing_is_imported(
    coordinator_client, vocabulary
):
    rows = [
        row(),
        row(slug="x1", name="Okänt tema", themes="bb,flying-cars"),
        row(slug="x2", name="Ingen mottagare", contacts="Kim | kim@x.example.org | | nej"),
        row(slug="x3", name="Fel sort", kind="spaceship"),
        row(slug="x4", name="Fel språk", languages="svenska"),
        row(slug="x5", name="Fel kommun", municipalities="9999"),
        row(slug="x6", name="Fel kapacitet", capacity="många"),
        row(slug="x7", name="Trasig kontakt", contacts="bara ett namn"),
        row(slug="fiberforeningen", name="Dubblett"),
    ]
    response = preview(coordinator_client, csv_file(rows))
    assert response.status_code == 400
    report = response.context["report"]
    # As the spreadsheet numbers them: the headings are row 1, the first partner row 2.
    assert [error.number for error in report.errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    text = " ".join(" ".join(error.messages) for error in report.errors)
    assert "flying-cars" in text
    assert "9999" in text
    assert "svenska" in text
    assert "många" in text
    assert response.context["token"] is None
    page = response.content.decode()
    assert "flying-cars" in page
    assert not Partner.objects.exists()


def test_a_file_that_turns_bad_before_confirmation_imports_nothing(coordinator_client, vocabulary):
    response = preview(coordinator_client, csv_file([row(), row(slug="b", name="Bee")]))
    PartnerFactory(name="Bee")  # the second row's name is now taken
    response = confirm(coordinator_client, response)
    assert response.status_code == 400
    assert not Partner.objects.filter(slug="fiberforeningen").exists()


def test_a_tampered_confirmation_is_refused(coordinator_client, vocabulary):
    response = coordinator_client.post(reverse("partners:import_confirm"), {"token": "x:y:z"})
    assert response.status_code == 302
    assert not Partner.objects.exists()


def test_a_file_that_is_not_a_table_is_refused_with_a_message(coordinator_client):
    upload = SimpleUploadedFile("partners.xlsx", b"not a spreadsheet")
    response = preview(coordinator_client, upload)
    assert response.status_code == 400
    assert response.context["report"].file_errors
    upload = SimpleUploadedFile("partners.pdf", b"%PDF")
    response = preview(coordinator_client, upload)
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_the_export_round_trips_through_the_import(coordinator_client, vocabulary):
    theme, support = vocabulary
    partner = PartnerFactory(slug="rundtur", name="Rundturen", languages=["sv", "ar"])
    partner.themes.set([theme])
    partner.support_kinds.set([support])
    partner.municipalities.set([municipality("1880")])
    PartnerContact.objects.create(
        partner=partner, name="Två", email="tva@example.org", receives_referrals=False
    )

    response = coordinator_client.get(reverse("partners:export", args=["csv"]), {"codes": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response)
    lines = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0]["slug"] == "rundtur"
    assert lines[0]["languages"] == "sv,ar"
    assert "tva@example.org |  | no" in lines[0]["contacts"]

    xlsx = b"".join(
        coordinator_client.get(reverse("partners:export", args=["xlsx"]), {"codes": "1"})
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [cell.value for cell in sheet[1]] == HEADER

    again = preview(coordinator_client, SimpleUploadedFile("again.csv", content))
    assert again.status_code == 200
    assert [r.action for r in again.context["report"].rows] == ["update"]
    confirm(coordinator_client, again)
    partner.refresh_from_db()
    assert partner.contacts.count() == 2
    assert partner.languages == ["sv", "ar"]


def test_a_file_larger_than_1_mb_is_refused_before_it_is_read(coordinator_client):
    upload = SimpleUploadedFile("big.csv", b"slug,name,kind\n" + b"x" * (1024 * 1024))
    response = preview(coordinator_client, upload)
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


# The headings a Swedish Excel user sees in the interface (and the export writes).
SWEDISH_HEADER = [
    "Nyckel",
    "Namn",
    "Typ",
    "Civilsamhälle",
    "Beskrivning",
    "Webbplats",
    "Telefon",
    "Allmän e-post",
    "Teman",
    "Typer av stöd",
    "Kommuner som täcks",
    "Täcker hela länet",
    "Språk",
    "Kapacitet",
    "Aktiv",
    "Kontaktpersoner",
]


def swedish_row(**values) -> list:
    base = {
        "Nyckel": "fiberforeningen",
        "Namn": "Fiberföreningen Kopparberg",
        "Typ": "Lokal utvecklingsgrupp",
        "Civilsamhälle": "ja",
        "Beskrivning": "Vi hjälper byarna att gräva fiber själva; råd på svenska och engelska.",
        "Webbplats": "https://fiber.example.org",
        "Telefon": "0580-123 45",
        "Allmän e-post": "",
        "Teman": "Fiber och bredband, Service på landsbygden",
        "Typer av stöd": "Råd och coachning",
        "Kommuner som täcks": "Ljusnarsberg, Lindesberg",
        "Täcker hela länet": "nej",
        "Språk": "sv, en",
        "Kapacitet": "4",
        "Aktiv": "ja",
        "Kontaktpersoner": "Åsa Öberg | asa@fiber.example.org | Ordförande | ja",
    }
    base.update(values)
    return [base[name] for name in SWEDISH_HEADER]


def excel_csv(rows: list[list], *, delimiter: str, encoding: str) -> bytes:
    """A CSV as Excel on a Swedish Windows saves it: CRLF line ends, quotes only where needed;
    "CSV UTF-8" starts with a byte order mark, plain "CSV" is Windows-1252."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(SWEDISH_HEADER)
    writer.writerows(rows)
    prefix = "\ufeff" if encoding == "utf-8" else ""
    return (prefix + buffer.getvalue()).encode(encoding)


def assert_fibre_association_imported() -> None:
    partner = Partner.objects.get(slug="fiberforeningen")
    assert partner.name == "Fiberföreningen Kopparberg"
    assert partner.kind == "local_development_group"
    assert partner.is_civil_society and partner.is_active and not partner.covers_whole_county
    assert partner.description.startswith("Vi hjälper byarna att gräva fiber själva; råd")
    assert sorted(t.slug for t in partner.themes.all()) == ["broadband", "rural-services"]
    assert [s.slug for s in partner.support_kinds.all()] == ["advice"]
    assert sorted(m.code for m in partner.municipalities.all()) == ["1864", "1885"]
    assert partner.languages == ["sv", "en"] and partner.capacity == 4
    contact = partner.contacts.get()
    assert (contact.name, contact.email, contact.receives_referrals) == (
        "Åsa Öberg",
        "asa@fiber.example.org",
        True,
    )


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "utf-8"), (",", "cp1252"), (";", "cp1252")]
)
def test_a_csv_as_a_swedish_excel_saves_it_imports_with_swedish_headings_and_values(
    coordinator_client, delimiter, encoding
):
    content = excel_csv(
        [swedish_row(), swedish_row(Nyckel="tiveden", Namn="Bygdegården i Åsbro")],
        delimiter=delimiter,
        encoding=encoding,
    )
    response = preview(coordinator_client, SimpleUploadedFile("Partner.csv", content))
    assert response.status_code == 200, response.context["report"]
    assert [(r.number, r.name) for r in response.context["report"].rows] == [
        (2, "Fiberföreningen Kopparberg"),
        (3, "Bygdegården i Åsbro"),
    ]
    assert confirm(coordinator_client, response).status_code == 302
    assert_fibre_association_imported()
    assert Partner.objects.filter(name="Bygdegården i Åsbro").exists()


def test_an_xlsx_with_swedish_headings_numbers_and_a_blank_row_imports(coordinator_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SWEDISH_HEADER)
    # Excel keeps numbers as numbers: the capacity, and a municipality code typed alone.
    sheet.append(swedish_row(Kapacitet=4, **{"Kommuner som täcks": "1864, Lindesberg"}))
    sheet.append([None] * len(SWEDISH_HEADER))
    sheet.append(
        swedish_row(
            Nyckel="ett-till",
            Namn="En till",
            Typ="Förening eller annan idéburen organisation",
            Kapacitet=2.0,
            **{"Kommuner som täcks": 1885},
        )
    )
    buffer = io.BytesIO()
    book.save(buffer)
    response = preview(coordinator_client, SimpleUploadedFile("Partner.xlsx", buffer.getvalue()))
    assert response.status_code == 200, response.context["report"].errors
    assert [r.number for r in response.context["report"].rows] == [2, 4]
    confirm(coordinator_client, response)
    assert_fibre_association_imported()
    other = Partner.objects.get(slug="ett-till")
    assert other.kind == "association" and other.capacity == 2
    assert [m.code for m in other.municipalities.all()] == ["1885"]


def test_each_error_names_the_spreadsheet_row_and_the_column_and_what_to_write(
    coordinator_client,
):
    rows = [
        swedish_row(),
        [""] * len(SWEDISH_HEADER),  # a blank row 3 still counts in the numbering
        swedish_row(Nyckel="fel-typ", Namn="Fel typ", Typ="Rymdskepp"),
        swedish_row(Nyckel="fel-tema", Namn="Fel tema", Teman="Fiber och bredband, Flygande bilar"),
        swedish_row(Nyckel="fel-kommun", Namn="Fel kommun", **{"Kommuner som täcks": "Uppsala"}),
        swedish_row(Nyckel="fel-ja", Namn="Fel ja", Aktiv="kanske"),
    ]
    content = excel_csv(rows, delimiter=";", encoding="utf-8")
    response = preview(coordinator_client, SimpleUploadedFile("Partner.csv", content))
    assert response.status_code == 400
    errors = {error.number: " ".join(error.messages) for error in response.context["report"].errors}
    assert sorted(errors) == [4, 5, 6, 7]
    assert errors[4].startswith("Kolumnen ”Typ”:") and "Rymdskepp" in errors[4]
    assert (
        "Skriv en av: Förening eller annan idéburen organisation, Lokal utvecklingsgrupp"
        in errors[4]
    )
    assert errors[5].startswith("Kolumnen ”Teman”:") and "Flygande bilar" in errors[5]
    assert "Fiber och bredband, Service på landsbygden" in errors[5]
    assert "broadband" not in errors[5]  # the interface's names, not the codes
    assert errors[6].startswith("Kolumnen ”Kommuner som täcks”:") and "Uppsala" in errors[6]
    assert "Lindesberg" in errors[6] and "Ljusnarsberg" in errors[6]
    assert errors[7].startswith("Kolumnen ”Aktiv”:") and "Skriv ja eller nej" in errors[7]
    page = response.content.decode()
    assert "Rad 4" in page and "Rad 7" in page and "Rad 3" not in page
    assert not Partner.objects.exists()


def test_unknown_or_missing_headings_are_named_and_nothing_is_imported(coordinator_client):
    content = (
        "\ufeffNamn;Typ;Anteckningar\r\nByalaget;Förening eller annan idéburen organisation;x\r\n"
    )
    response = preview(coordinator_client, SimpleUploadedFile("Partner.csv", content.encode()))
    assert response.status_code == 400
    text = " ".join(response.context["report"].file_errors)
    assert "”Anteckningar”" in text
    assert "”Nyckel”" in text and "”Namn”" not in text.split("saknar")[-1]
    assert not Partner.objects.exists()


def test_the_import_page_lists_every_column_and_every_value_it_takes(coordinator_client):
    from ideas.models import Municipality, SupportKind, Theme
    from partners.models import PartnerKind

    page = coordinator_client.get(reverse("partners:import")).content.decode()
    for label in SWEDISH_HEADER:
        assert label in page
    with translation.override("sv"):
        kinds = [str(label) for _code, label in PartnerKind.choices]
    for name in [
        *kinds,
        *Theme.objects.values_list("name_sv", flat=True),
        *SupportKind.objects.values_list("name_sv", flat=True),
        *Municipality.objects.filter(is_whole_county=False).values_list("name", flat=True),
    ]:
        assert escape(name) in page, name
    assert "ja (yes)" in page and "nej (no)" in page
    assert "local_development_group" in page and "1885" in page


def partner_snapshot(partner: Partner) -> tuple:
    partner = Partner.objects.get(pk=partner.pk)
    # Everything the row holds but the time it was last saved (the import saves it again).
    fields = [f.name for f in Partner._meta.concrete_fields if f.name != "updated_at"]
    return (
        {name: getattr(partner, name) for name in fields},
        sorted(partner.themes.values_list("slug", flat=True)),
        sorted(partner.support_kinds.values_list("slug", flat=True)),
        sorted(partner.municipalities.values_list("code", flat=True)),
        sorted(partner.contacts.values_list("name", "email", "role", "receives_referrals")),
    )


@pytest.mark.parametrize(("file_format", "codes"), [("csv", False), ("xlsx", False), ("csv", True)])
def test_a_swedish_export_imports_back_unchanged(coordinator_client, file_format, codes):
    from ideas.models import SupportKind, Theme

    partner = PartnerFactory(
        slug="rundtur",
        name='Rundturen i Örebro; "Åsa" och co',
        kind="local_development_group",
        description="Rad ett;\nrad två, med komma",
        covers_whole_county=True,
        languages=["sv", "ar"],
        capacity=7,
    )
    partner.themes.set(Theme.objects.filter(slug__in=["broadband", "housing"]))
    partner.support_kinds.set(SupportKind.objects.filter(slug="advice"))
    partner.municipalities.set([municipality("1880"), municipality("1885")])
    PartnerContact.objects.create(
        partner=partner, name="Två Åström", email="tva@example.org", receives_referrals=False
    )
    other = PartnerFactory(slug="annan", is_civil_society=False, is_active=False)
    before = [partner_snapshot(partner), partner_snapshot(other)]

    response = coordinator_client.get(
        reverse("partners:export", args=[file_format]), {"codes": "1"} if codes else {}
    )
    content = b"".join(response)
    if file_format == "csv" and not codes:
        text = content.decode("utf-8")
        assert text.startswith("\ufeffNyckel;Namn;Typ;Civilsamhälle;")
        assert "Lokal utvecklingsgrupp" in text and "Fiber och bredband, Boende" in text
        assert "Örebro, Lindesberg" in text or "Lindesberg, Örebro" in text
        assert "| nej" in text and "local_development_group" not in text

    again = preview(coordinator_client, SimpleUploadedFile(f"export.{file_format}", content))
    assert again.status_code == 200, again.context["report"].errors
    assert [r.action for r in again.context["report"].rows] == ["update", "update"]
    confirm(coordinator_client, again)
    assert [partner_snapshot(partner), partner_snapshot(other)] == before
