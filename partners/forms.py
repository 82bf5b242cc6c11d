from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from partners.models import WEIGHT_FIELDS, MatchingWeights

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
