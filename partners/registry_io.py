"""Import and export of the partner registry as CSV or Excel, with django-import-export.

An import is all or nothing: `registry_import` checks every row first (a dry run in a
transaction that is rolled back) and writes only when no row has an error.

Columns (`COLUMNS`): slug (the key), name, kind, is_civil_society, description, website, phone,
email, themes, support_kinds, municipalities, covers_whole_county, languages, capacity,
is_active, contacts. Lists are separated by commas; contacts by semicolons, each as
"name | email | role | yes/no" (the last: receives referrals).

A file may name its columns and write its values as the interface shows them, in Swedish or
English ("Typ", "Lokal utvecklingsgrupp", "ja", "Fiber och bredband", "Lindesberg") or by
their codes ("kind", "local_development_group", "yes", "broadband", "1885"): `read_sheet`
turns either into the codes before import-export sees the rows, and keeps each row's number
as the spreadsheet shows it (the headings are row 1). The export writes Swedish headings and
values by default, or the codes (`registry_export(codes=True)`); either imports unchanged.
"""

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import tablib
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from ideas.models import Municipality, SupportKind, Theme
from partners.entries import entry_changes_record, entry_snapshot
from partners.invitations import partner_access_check, registry_accounts
from partners.models import (
    ChangeSource,
    Partner,
    PartnerContact,
    PartnerKind,
    check_referral_contacts,
)
from portal.domain import DomainError
from portal.spreadsheets import csv_delimiter, decode_text, spreadsheet_value

YES = {"1", "true", "yes", "ja", "x", "y", "j"}
NO = {"0", "false", "no", "nej", "n", ""}


class YesNoWidget(widgets.Widget):
    def clean(self, value: object, row: Mapping[str, Any] | None = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Write yes or no, not “%(value)s”.") % {"value": value})

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Like ManyToManyWidget, but an unknown key is an error instead of being dropped."""

    def clean(
        self, value: object, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> QuerySet[Any]:
        keys = [str(part).strip() for part in str(value or "").split(self.separator)]
        keys = [key for key in keys if key]
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        unknown = sorted(set(keys) - {str(getattr(obj, self.field)) for obj in found})
        if unknown:
            raise ValueError(_("Unknown: %(keys)s.") % {"keys": ", ".join(unknown)})
        return found


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(
        self, value: object, row: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> int | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = None
        if number is None or number != int(number) or number < 0:
            raise ValueError(
                _("Write a whole number, 0 or more, not “%(value)s”.") % {"value": value}
            )
        return int(number)


class LanguagesWidget(widgets.Widget):
    def clean(self, value: object, row: Mapping[str, Any] | None = None, **kwargs: Any) -> str:
        return str(value or "")

    def render(self, value: list[str] | None, obj: object = None, **kwargs: Any) -> str:
        return ",".join(value or [])


@dataclass
class ContactRow:
    name: str
    email: str
    role: str
    receives_referrals: bool


def parse_contacts(value: object) -> list[ContactRow]:
    """Read "name | email | role | yes; ..." into contacts; raise ValueError on a bad one."""
    contacts = []
    for chunk in str(value or "").replace("\n", ";").split(";"):
        if not chunk.strip():
            continue
        parts = [part.strip() for part in chunk.split("|")]
        if len(parts) < 2 or len(parts) > 4:
            raise ValueError(
                _("Write each contact as “name | email | role | yes”, not “%(contact)s”.")
                % {"contact": chunk.strip()}
            )
        name, email = parts[0], parts[1]
        role = parts[2] if len(parts) > 2 else ""
        receives = YesNoWidget().clean(parts[3]) if len(parts) > 3 else True
        if not name:
            raise ValueError(_("A contact has no name: “%(contact)s”.") % {"contact": chunk})
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(_("Not an email address: “%(email)s”.") % {"email": email}) from None
        contacts.append(ContactRow(name[:120], email.lower(), role[:120], receives))
    emails = [contact.email for contact in contacts]
    if len(set(emails)) != len(emails):
        raise ValueError(_("The same contact email appears twice."))
    return contacts


def render_contacts(partner: Partner, yes_no: tuple[str, str] = ("yes", "no")) -> str:
    return "; ".join(
        f"{c.name} | {c.email} | {c.role} | {yes_no[0] if c.receives_referrals else yes_no[1]}"
        for c in partner.contacts.all()
    )


class PartnerResource(resources.ModelResource):
    themes = fields.Field(
        attribute="themes", column_name="themes", widget=StrictManyToManyWidget(Theme, field="slug")
    )
    support_kinds = fields.Field(
        attribute="support_kinds",
        column_name="support_kinds",
        widget=StrictManyToManyWidget(SupportKind, field="slug"),
    )
    municipalities = fields.Field(
        attribute="municipalities",
        column_name="municipalities",
        widget=StrictManyToManyWidget(Municipality, field="code"),
    )
    is_civil_society = fields.Field(
        attribute="is_civil_society", column_name="is_civil_society", widget=YesNoWidget()
    )
    covers_whole_county = fields.Field(
        attribute="covers_whole_county", column_name="covers_whole_county", widget=YesNoWidget()
    )
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=YesNoWidget())
    languages = fields.Field(
        attribute="languages", column_name="languages", widget=LanguagesWidget()
    )
    capacity = fields.Field(
        attribute="capacity", column_name="capacity", widget=WholeNumberWidget()
    )
    contacts = fields.Field(column_name="contacts")

    class Meta:
        model = Partner
        import_id_fields = ["slug"]
        fields = [
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
        export_order = fields
        clean_model_instances = True
        skip_unchanged = False
        use_transactions = True

    def get_queryset(self) -> QuerySet[Partner]:
        return Partner.objects.prefetch_related(
            "themes", "support_kinds", "municipalities", "contacts"
        ).order_by("name")

    # How the contacts column writes "receives referrals"; the Swedish export says ja/nej.
    yes_no = ("yes", "no")

    def dehydrate_contacts(self, partner: Partner) -> str:
        return render_contacts(partner, self.yes_no)

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self._seen_slugs: set[str] = set()

    def import_instance(self, instance: Partner, row: Mapping[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        slug = str(row.get("slug") or "").strip()
        if slug in self._seen_slugs:
            errors["slug"] = [ValidationError(_("This key appears on an earlier row too."))]
        self._seen_slugs.add(slug)
        # The many-to-many columns are saved after the partner; check them now, with the rest.
        for name in ("themes", "support_kinds", "municipalities"):
            if name in row:
                try:
                    self.fields[name].widget.clean(row[name])
                except ValueError as error:
                    errors[name] = [ValidationError(str(error))]
        contacts: list[ContactRow] | None
        try:
            contacts = parse_contacts(row.get("contacts"))
        except ValueError as error:
            errors["contacts"] = [ValidationError(str(error))]
            contacts = None
        # Carried to after_save_instance, which import-export calls with the same instance.
        instance._import_contacts = contacts  # type: ignore[attr-defined]
        if contacts is not None and "is_active" not in errors:
            try:
                check_referral_contacts(
                    is_active=instance.is_active,
                    receiving_contacts=sum(c.receives_referrals for c in contacts),
                )
            except ValidationError as error:
                errors["contacts"] = [error]
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance: Partner, row: Mapping[str, Any], **kwargs: Any) -> None:
        """Add or update the contacts in the file; others stop receiving referrals.

        Contacts left out of the file are kept, not deleted, so that their answers stay; their
        logins end (`registry_import` checks them: partners/invitations.py).
        """
        contacts = getattr(instance, "_import_contacts", None) or []
        keep = []
        for contact in contacts:
            saved, _created = PartnerContact.objects.update_or_create(
                partner=instance,
                email=contact.email,
                defaults={
                    "name": contact.name,
                    "role": contact.role,
                    "receives_referrals": contact.receives_referrals,
                },
            )
            keep.append(saved.pk)
        instance.contacts.exclude(pk__in=keep).update(receives_referrals=False, user=None)


@dataclass
class RowReport:
    number: int
    action: str
    name: str
    slug: str


@dataclass
class RowError:
    """What is wrong on one row; `number` is the row as the spreadsheet shows it."""

    number: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    imported: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.file_errors

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.action] = counts.get(row.action, 0) + 1
        return counts


# The columns by their codes, in the export's order.
COLUMNS: tuple[str, ...] = tuple(PartnerResource.Meta.fields)
REQUIRED_COLUMNS = ("slug", "name", "kind")
YES_NO_COLUMNS = ("is_civil_society", "covers_whole_county", "is_active")
LIST_COLUMNS = ("themes", "support_kinds", "municipalities")
CHOICE_COLUMNS = ("kind", *YES_NO_COLUMNS, *LIST_COLUMNS)
CONTACTS_LABEL = gettext_lazy("contacts")
# The languages a file may name its columns and values in (besides the codes).
FILE_LANGUAGES = ("sv", "en")


def column_label(code: str) -> str:
    """A column's name as the interface shows it, in the current language ("Typ")."""
    if code == "contacts":
        return capfirst(str(CONTACTS_LABEL))
    try:
        model_field = Partner._meta.get_field(code)
    except FieldDoesNotExist:
        return code
    return capfirst(str(getattr(model_field, "verbose_name", code)))


def _labels(label: Any) -> dict[str, str]:
    """A translatable label in each language a file may use."""
    names = {}
    for language in FILE_LANGUAGES:
        with translation.override(language):
            names[language] = str(label)
    return names


def column_values(code: str) -> list[tuple[str, dict[str, str]]]:
    """The values a column takes, each code with its names ({"sv": ..., "en": ...})."""
    if code == "kind":
        return [(value, _labels(label)) for value, label in PartnerKind.choices]
    if code in YES_NO_COLUMNS:
        return [("yes", {"sv": "ja", "en": "yes"}), ("no", {"sv": "nej", "en": "no"})]
    if code in ("themes", "support_kinds"):
        model = Theme if code == "themes" else SupportKind
        return [
            (item.slug, {"sv": item.name_sv, "en": item.name_en})
            for item in model.objects.order_by("order", "name_sv")
        ]
    if code == "municipalities":
        return [
            (item.code, {"sv": item.name, "en": item.name})
            for item in Municipality.objects.filter(is_whole_county=False).order_by("name")
        ]
    return []


def _name_here(names: Mapping[str, str]) -> str:
    return names.get((translation.get_language() or "sv").split("-")[0], names["sv"])


def _value_lookup(code: str) -> dict[str, str]:
    """Every way a file may write a column's values (code, Swedish, English) to the code."""
    lookup: dict[str, str] = {}
    for value, names in column_values(code):
        for name in (*names.values(), value):
            lookup.setdefault(name.strip().casefold(), value)
    return lookup


def _heading_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code in COLUMNS:
        for language in FILE_LANGUAGES:
            with translation.override(language):
                lookup.setdefault(column_label(code).casefold(), code)
        lookup.setdefault(code, code)
    return lookup


class SheetError(DomainError):
    """The file's headings cannot be read as the registry's columns."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(str(message) for message in messages))
        self.messages = messages


@dataclass
class Sheet:
    """The rows of a registry file as codes, and each row's number in the spreadsheet."""

    dataset: tablib.Dataset
    numbers: list[int]


def _cell_text(value: object) -> str:
    """A cell as text: Excel's whole numbers without ".0", the export's apostrophe off."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(spreadsheet_value(value) if isinstance(value, str) else value)


def _raw_rows(content: bytes, file_format: str) -> list[list[object]]:
    if file_format == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    text = decode_text(content)
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=csv_delimiter(text))]


def _to_code(code: str, text: str, lookups: Mapping[str, Mapping[str, str]]) -> str:
    """A cell written as the interface names it (or as its code) turned into the code; a
    value no name matches is kept as written, for the column's check to name it."""
    lookup = lookups.get(code)
    if lookup is None:
        return text
    if code in LIST_COLUMNS:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return ",".join(lookup.get(part.casefold(), part) for part in parts)
    return lookup.get(text.strip().casefold(), text)


def read_sheet(content: bytes, file_format: str) -> Sheet:
    """The registry rows of a CSV (semicolons or commas; UTF-8, with or without a byte order
    mark, or Windows-1252) or an xlsx file, headings and values turned into the codes."""
    rows = _raw_rows(content, file_format)
    if not rows:
        raise SheetError([_("The file has no rows.")])
    headings = [_cell_text(value).strip() for value in rows[0]]
    lookup = _heading_lookup()
    codes: list[str | None] = []
    messages = []
    for heading in headings:
        code = lookup.get(heading.casefold()) if heading else None
        if heading and code is None:
            messages.append(
                _("Row 1 has a column heading the registry does not know: “%(heading)s”.")
                % {"heading": heading}
            )
        elif code is not None and code in codes:
            messages.append(
                _("Row 1 has the column “%(column)s” twice. Keep one of them.")
                % {"column": column_label(code)}
            )
            code = None
        codes.append(code)
    missing = [code for code in REQUIRED_COLUMNS if code not in codes]
    if missing:
        messages.append(
            _("The file lacks the column(s): %(columns)s.")
            % {
                "columns": ", ".join(
                    _("“%(column)s”") % {"column": column_label(code)} for code in missing
                )
            }
        )
    if messages:
        messages.append(_("Name the columns as the list below does, in row 1, or as in an export."))
        raise SheetError(messages)
    lookups = {code: _value_lookup(code) for code in CHOICE_COLUMNS if code in codes}
    dataset = tablib.Dataset(headers=[code for code in codes if code])
    numbers = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell_text(value) for value in row]
        # A row Excel keeps after the last one (";;;;"), or a blank line between rows.
        if not any(cell.strip() for cell in cells):
            continue
        dataset.append(
            [
                _to_code(code, cells[index] if index < len(cells) else "", lookups)
                for index, code in enumerate(codes)
                if code
            ]
        )
        numbers.append(number)
    return Sheet(dataset, numbers)


def _one_of(code: str) -> str:
    return ", ".join(_name_here(names) for _value, names in column_values(code))


# What to write instead, for the columns whose own message does not say it.
COLUMN_HINTS: dict[str, Callable[[], str]] = {
    "slug": lambda: _(
        "Write a key of its own for each partner: small letters a–z, digits and hyphens, "
        "e.g. fiberforeningen-kopparberg."
    ),
    "name": lambda: _("Write a name of its own for each partner."),
    "kind": lambda: _("Write one of: %(values)s.") % {"values": _one_of("kind")},
    "themes": lambda: (
        _("Write one or more of, separated by commas: %(values)s.") % {"values": _one_of("themes")}
    ),
    "support_kinds": lambda: (
        _("Write one or more of, separated by commas: %(values)s.")
        % {"values": _one_of("support_kinds")}
    ),
    "municipalities": lambda: (
        _("Write one or more of, separated by commas: %(values)s.")
        % {"values": _one_of("municipalities")}
    ),
    "website": lambda: _("Write the whole address, e.g. https://www.example.org."),
    "email": lambda: _("Write an address such as info@example.org, or leave it empty."),
}


def column_error(code: str, texts: list[str]) -> str:
    """One column's errors on a row, named as the interface names the column, with what to
    write instead."""
    message = " ".join(texts)
    if code not in COLUMNS:
        return message
    hint = COLUMN_HINTS.get(code)
    if hint is not None:
        message = f"{message} {hint()}"
    return _("Column “%(column)s”: %(message)s") % {
        "column": column_label(code),
        "message": message,
    }


@dataclass
class ColumnHelp:
    """A column of the registry file as the import page lists it."""

    label: str
    code: str
    required: bool
    values: list[str]
    hint: str


def import_columns() -> list[ColumnHelp]:
    """Every column of a registry file, with every value it takes or how to write it."""
    hints = {
        "slug": _("Small letters a–z, digits and hyphens; matches a partner already there."),
        "name": _("The organisation's name; one of its own."),
        "description": _("Free text."),
        "website": _("The whole address, e.g. https://www.example.org."),
        "phone": _("Free text."),
        "email": _("An address the public may write to, or empty."),
        "languages": _("Language codes separated by commas, e.g. sv, en, ar."),
        "capacity": _("A whole number, 0 to 500: open referrals it can take at once."),
        "contacts": _(
            "Each contact as “name | email | role | ja” (ja or nej: receives referrals), "
            "contacts separated by semicolons."
        ),
    }
    columns = []
    for code in COLUMNS:
        values = [f"{_name_here(names)} ({value})" for value, names in column_values(code)]
        if code in LIST_COLUMNS:
            hint = _("One or more, separated by commas; the name or the code in brackets.")
        elif code in CHOICE_COLUMNS:
            hint = _("The name or the code in brackets.")
        else:
            hint = hints.get(code, "")
        columns.append(ColumnHelp(column_label(code), code, code in REQUIRED_COLUMNS, values, hint))
    return columns


def _swedish_value(code: str, value: object, names: Mapping[str, Mapping[str, str]]) -> object:
    """An exported cell as the Swedish interface writes it: names, not codes."""
    if code not in names:
        return value
    if code in LIST_COLUMNS:
        parts = [part for part in str(value or "").split(",") if part]
        return ", ".join(names[code].get(part, part) for part in parts)
    return names[code].get(str(value), value)


def registry_export(*, codes: bool = False) -> tablib.Dataset:
    """The whole registry, a row per partner (sent as a file by portal.spreadsheets): with
    Swedish headings and values, or with the codes."""
    resource = PartnerResource()
    if codes:
        return resource.export()
    with translation.override("sv"):
        resource.yes_no = ("ja", "nej")
        dataset = resource.export()
        names = {
            code: {value: labels["sv"] for value, labels in column_values(code)}
            for code in CHOICE_COLUMNS
        }
        swedish = tablib.Dataset(headers=[column_label(code) for code in dataset.headers])
        for row in dataset:
            swedish.append(
                [
                    _swedish_value(code, value, names)
                    for code, value in zip(dataset.headers, row, strict=True)
                ]
            )
    return swedish


def registry_import(*, content: bytes, file_format: str, dry_run: bool) -> ImportReport:
    """Check every row of a registry file and, unless dry_run, write it if all rows are good."""
    report = ImportReport()
    try:
        sheet = read_sheet(content, file_format)
    except SheetError as sheet_error:
        report.file_errors.extend(sheet_error.messages)
        return report
    except Exception:  # noqa: BLE001 -- csv and openpyxl raise many kinds for a broken file
        report.file_errors.append(
            _("The file could not be read as %(format)s.") % {"format": file_format.upper()}
        )
        return report
    dataset = sheet.dataset
    if not len(dataset):
        report.file_errors.append(_("The file has no rows."))
        return report
    with transaction.atomic():
        accounts = registry_accounts()
        # Each entry as it was, for its history (entries.entry_changes_record) after the import.
        before = (
            {}
            if dry_run
            else {partner.slug: entry_snapshot(partner) for partner in Partner.objects.all()}
        )
        result = PartnerResource().import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            raise_errors=False,
            rollback_on_validation_errors=True,
        )
        for base_error in result.base_errors:
            report.file_errors.append(str(base_error.error))
        # import-export counts the data rows from 1; the spreadsheet shows its own numbers.
        for number, row_errors in result.row_errors():
            report.errors.append(
                RowError(sheet.numbers[number - 1], [str(e.error) for e in row_errors])
            )
        for invalid in result.invalid_rows:
            messages = [column_error(name, texts) for name, texts in invalid.error_dict.items()]
            report.errors.append(RowError(sheet.numbers[invalid.number - 1], messages))
        report.errors.sort(key=lambda error: error.number)
        for index, row_result in enumerate(result.rows):
            values = dict(zip(dataset.headers, dataset[index], strict=False))
            report.rows.append(
                RowReport(
                    sheet.numbers[index],
                    row_result.import_type,
                    str(values.get("name") or ""),
                    str(values.get("slug") or ""),
                )
            )
        if not report.is_valid or dry_run:
            transaction.set_rollback(True)
        else:
            partner_access_check(user_ids=accounts)
            report.imported = True
            slugs = {row.slug for row in report.rows}
            for partner in Partner.objects.filter(slug__in=slugs):
                entry_changes_record(
                    partner=partner, before=before.get(partner.slug), source=ChangeSource.IMPORT
                )
    return report
