from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from partners.entries import entry_changes_record, entry_snapshot
from partners.forms import PartnerContactFormSet
from partners.invitations import registry_edit
from partners.models import (
    WEIGHT_FIELDS,
    ChangeSource,
    MatchingWeights,
    Partner,
    PartnerContact,
    PartnerEntryChange,
    PartnerInvitation,
)
from partners.services import matching_weights_update

if TYPE_CHECKING:
    from django import forms
    from django.db.models import QuerySet
    from django.http import HttpRequest


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    formset = PartnerContactFormSet
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_civil_society", "capacity", "is_active", "listed_publicly"]
    list_filter = ["kind", "is_civil_society", "is_active", "listed_publicly", "themes"]
    readonly_fields = ["uuid", "updated_at", "confirmed_at", "confirmed_by"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes", "support_kinds", "municipalities"]
    inlines = [PartnerContactInline]

    def save_model(
        self, request: HttpRequest, obj: Partner, form: forms.ModelForm[Partner], change: bool
    ) -> None:
        # The snapshot before the change; the history is written once the contacts are saved.
        request._entry_before = entry_snapshot(obj) if change and obj.pk else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    # The partner is saved before its contacts, so every change ends in save_related; logins
    # of contacts deleted, moved to another address or of an inactive partner end there.
    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[Partner], formsets: Any, change: bool
    ) -> None:
        with registry_edit(Partner.objects.filter(pk=form.instance.pk)):
            super().save_related(request, form, formsets, change)
        user = request.user if request.user.is_authenticated else None
        entry_changes_record(
            partner=form.instance,
            before=getattr(request, "_entry_before", None),
            source=ChangeSource.ADMIN,
            actor=user,
        )

    def delete_model(self, request: HttpRequest, obj: Partner) -> None:
        with registry_edit(Partner.objects.filter(pk=obj.pk)):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        with registry_edit(Partner.objects.filter(pk__in=pks)):
            super().delete_queryset(request, queryset)


@admin.register(PartnerEntryChange)
class PartnerEntryChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "partner", "field", "actor_name", "source"]
    list_filter = ["source"]
    search_fields = ["partner__name", "actor_name"]
    readonly_fields = [
        "partner",
        "field",
        "old_value",
        "new_value",
        "source",
        "actor",
        "actor_name",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PartnerInvitation)
class PartnerInvitationAdmin(admin.ModelAdmin):
    """What was sent to whom and what became of it; made and ended from the partner's page."""

    list_display = ["email", "contact", "state", "created_at", "expires_at", "closed_at"]
    list_filter = ["state"]
    search_fields = ["email", "contact__name", "contact__partner__name"]
    readonly_fields = [
        "contact",
        "email",
        "state",
        "created_at",
        "created_by",
        "expires_at",
        "closed_at",
    ]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
