"""Import and export of the partner registry as CSV or Excel, with django-import-export.

An import is all or nothing: `registry_import` checks every row first (a dry run in a
transaction that is rolled back) and writes only when no row has an error.

Columns: slug (the key), name, kind, is_civil_society, description, website, phone, email,
themes (theme keys), support_kinds (support keys), municipalities (municipality codes),
covers_whole_county, languages, capacity, is_active, contacts. Lists are separated by commas;
contacts by semicolons, each as "name | email | role | yes/no" (the last: receives referrals).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from ideas.models import Municipality, SupportKind, Theme
from partners.models import Partner, PartnerContact, check_referral_contacts
from portal.spreadsheets import spreadsheet_value

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


def render_contacts(partner: Partner) -> str:
    return "; ".join(
        f"{c.name} | {c.email} | {c.role} | {'yes' if c.receives_referrals else 'no'}"
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

    def dehydrate_contacts(self, partner: Partner) -> str:
        return render_contacts(partner)

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self._seen_slugs: set[str] = set()
        missing = {"slug", "name", "kind"} - set(dataset.headers or [])
        if missing:
            raise ValueError(
                _("The file lacks the column(s): %(columns)s.")
                % {"columns": ", ".join(sorted(missing))}
            )

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

        Contacts left out of the file are kept, not deleted: their answers and logins stay.
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
        instance.contacts.exclude(pk__in=keep).update(receives_referrals=False)


@dataclass
class RowReport:
    number: int
    action: str
    name: str
    slug: str


@dataclass
class RowError:
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


def registry_export() -> tablib.Dataset:
    """The whole registry, a row per partner (sent as a file by portal.spreadsheets)."""
    return PartnerResource().export()


def load_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    """Read a registry file; the apostrophe the export puts before a formula-like text comes
    off again, so an exported file imports unchanged."""
    if file_format == "xlsx":
        dataset = tablib.Dataset().load(content, format="xlsx")
    else:
        dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    loaded = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        loaded.append([spreadsheet_value(value) for value in row])
    return loaded


def _field_label(name: str) -> str:
    return name if name != "__all__" else _("row")


def registry_import(*, content: bytes, file_format: str, dry_run: bool) -> ImportReport:
    """Check every row of a registry file and, unless dry_run, write it if all rows are good."""
    report = ImportReport()
    try:
        dataset = load_dataset(content, file_format)
    except Exception:  # noqa: BLE001 -- tablib raises many kinds for a broken file
        report.file_errors.append(
            _("The file could not be read as %(format)s.") % {"format": file_format.upper()}
        )
        return report
    if not dataset.headers or not len(dataset):
        report.file_errors.append(_("The file has no rows."))
        return report
    with transaction.atomic():
        result = PartnerResource().import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            raise_errors=False,
            rollback_on_validation_errors=True,
        )
        for error in result.base_errors:
            report.file_errors.append(str(error.error))
        for number, row_errors in result.row_errors():
            report.errors.append(RowError(number, [str(e.error) for e in row_errors]))
        for invalid in result.invalid_rows:
            messages = [
                f"{_field_label(name)}: {' '.join(texts)}"
                for name, texts in invalid.error_dict.items()
            ]
            report.errors.append(RowError(invalid.number, messages))
        report.errors.sort(key=lambda error: error.number)
        for number, row_result in enumerate(result.rows, 1):
            values = dict(zip(dataset.headers, dataset[number - 1], strict=False))
            report.rows.append(
                RowReport(
                    number,
                    row_result.import_type,
                    str(values.get("name") or ""),
                    str(values.get("slug") or ""),
                )
            )
        if not report.is_valid or dry_run:
            transaction.set_rollback(True)
        else:
            report.imported = True
    return report
