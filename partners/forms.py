from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from ideas.models import Municipality
from partners.models import (
    WEIGHT_FIELDS,
    MatchingWeights,
    Partner,
    PartnerContact,
    check_referral_contacts,
    current_term,
    term_label,
)

# Small enough that the checked file fits in the confirm form (DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_IMPORT_BYTES = 1024 * 1024


class MatchingWeightsForm(forms.ModelForm):
    class Meta:
        model = MatchingWeights
        fields = list(WEIGHT_FIELDS)
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1})
            for name in WEIGHT_FIELDS
        }
        help_texts = {name: _("0 (does not count) to 10 (counts most).") for name in WEIGHT_FIELDS}


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel file (.xlsx) or a CSV file, separated by semicolons or commas, as Excel "
            "saves it; with the columns listed below."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 1 MB."))
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Choose a .csv or an .xlsx file, for example one made by the export.")
            )
        upload.import_format = "xlsx" if name.endswith(".xlsx") else "csv"
        return upload


class PartnerContactFormSet(BaseInlineFormSet):
    """A partner's contacts (the admin's inline and the partner's own page): an active partner
    keeps at least one who receives referrals; `keep` is a contact that may not be removed
    (the one editing)."""

    keep: PartnerContact | None = None

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        receiving = 0
        for form in self.forms:
            if not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if self.keep is not None and form.instance.pk == self.keep.pk:
                    form.add_error(
                        "DELETE",
                        _("You cannot remove yourself. Ask the coordinator to remove you."),
                    )
                continue
            if form.cleaned_data.get("receives_referrals"):
                receiving += 1
        if any(self.errors):
            return
        # The partner form has already put its cleaned values on the instance.
        check_referral_contacts(is_active=self.instance.is_active, receiving_contacts=receiving)


class PartnerEntryForm(forms.ModelForm):
    """What a partner contact keeps up to date in its own organisation's entry."""

    class Meta:
        model = Partner
        fields = [
            "description",
            "themes",
            "support_kinds",
            "covers_whole_county",
            "municipalities",
            "languages",
            "available_places",
            "listed_publicly",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "themes": forms.CheckboxSelectMultiple,
            "support_kinds": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "available_places": forms.NumberInput(attrs={"min": 0, "max": 500, "step": 1}),
        }
        labels = {
            "description": _("What your organisation offers"),
            "covers_whole_county": _("We work in the whole county"),
            "municipalities": _("Or in these municipalities"),
            "listed_publicly": _("We may be listed publicly"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The whole county is a choice of its own (the box above), not one of the municipalities.
        field = self.fields["municipalities"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Municipality.objects.filter(is_whole_county=False)
        # The model's callable default would add a hidden "initial" copy of the box: not needed.
        self.fields["languages"].show_hidden_initial = False
        # A number stated for an earlier term no longer holds: ask again, from an empty box.
        if not self.instance.availability_stated:
            self.initial["available_places"] = None
        self.fields["available_places"].help_text = _(
            "How many new ideas can your organisation take on in %(term)s? Leave the box empty "
            "if you cannot say; the committee then counts its own number."
        ) % {"term": term_label(current_term())}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen_area = cleaned.get("covers_whole_county") or cleaned.get("municipalities")
        if not chosen_area and "municipalities" not in self.errors:
            self.add_error(
                "municipalities",
                _("Choose the municipalities you work in, or tick the whole county."),
            )
        return cleaned


ContactsFormSet = inlineformset_factory(
    Partner,
    PartnerContact,
    formset=PartnerContactFormSet,
    fields=["name", "email", "role", "language", "receives_referrals"],
    extra=1,
    can_delete=True,
)
