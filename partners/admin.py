from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from partners.models import (
    WEIGHT_FIELDS,
    MatchingWeights,
    Partner,
    PartnerContact,
    check_referral_contacts,
)
from partners.services import matching_weights_update

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest


class PartnerContactFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        receiving = sum(
            1
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("receives_referrals")
        )
        # The partner form has already put its cleaned values on the instance.
        check_referral_contacts(is_active=self.instance.is_active, receiving_contacts=receiving)


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    formset = PartnerContactFormSet
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_civil_society", "capacity", "is_active", "listed_publicly"]
    list_filter = ["kind", "is_civil_society", "is_active", "listed_publicly", "themes"]
    readonly_fields = ["uuid", "updated_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes", "support_kinds", "municipalities"]
    inlines = [PartnerContactInline]


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "themes",
        "support",
        "geography",
        "civil_society",
        "language",
        "capacity",
        "acceptance",
        "updated_at",
        "updated_by",
    ]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MatchingWeights.objects.exists()

    def save_model(
        self,
        request: HttpRequest,
        obj: MatchingWeights,
        form: forms.ModelForm[MatchingWeights],
        change: bool,
    ) -> None:
        # Through the service, like the coordinator's page: checked, and who changed them kept.
        assert request.user.is_authenticated  # the admin lets only logged-in staff in
        saved = matching_weights_update(
            values={name: form.cleaned_data[name] for name in WEIGHT_FIELDS}, actor=request.user
        )
        obj.pk = saved.pk
