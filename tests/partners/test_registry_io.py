import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
    assert [error.number for error in report.errors] == [2, 3, 4, 5, 6, 7, 8, 9]
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

    response = coordinator_client.get(reverse("partners:export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response)
    lines = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0]["slug"] == "rundtur"
    assert lines[0]["languages"] == "sv,ar"
    assert "tva@example.org |  | no" in lines[0]["contacts"]

    xlsx = b"".join(coordinator_client.get(reverse("partners:export", args=["xlsx"])))
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
