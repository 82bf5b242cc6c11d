from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.domain import DomainError
from portal.roles import AuthenticatedHttpRequest
from triage.referrals.models import (
    ContactConsent,
    Referral,
    ReferralAnswer,
    ReferralEvent,
    SupportReport,
)
from triage.referrals.services import referral_cancel

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest


class ReferralAnswerInline(admin.TabularInline):
    """The partner's answers, kept as they were given."""

    model = ReferralAnswer
    extra = 0
    can_delete = False
    fields = readonly_fields = ("kind", "text", "contact", "user", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class SupportReportInline(admin.TabularInline):
    model = SupportReport
    extra = 0
    can_delete = False
    fields = readonly_fields = ("kind", "progress", "text", "reported_by", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ContactConsentInline(admin.TabularInline):
    """The owner's decisions for this partner: append-only, written by
    triage.referrals.consent; nobody changes or deletes them here."""

    model = ContactConsent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("decision", "channel", "text_version", "decided_at", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReferralEventInline(admin.TabularInline):
    """The referral's history, as `referral_transition` wrote it."""

    model = ReferralEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "from_state",
        "to_state",
        "actor",
        "actor_label",
        "reason",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# Said in the referral's history when an administrator cancels it from the list.
ADMIN_CANCEL_REASON = "Cancelled in the admin."


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """A referral's state changes only through `referral_transition`: here it is read-only, and
    the one move the admin offers (cancel) is an action that calls the service."""

    list_display = ["idea", "partner", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["idea"]
    readonly_fields = [
        "idea",
        "partner",
        "note",
        "state",
        "includes_contact_details",
        "created_by",
        "created_at",
        "answered_at",
    ]
    inlines = [
        ReferralEventInline,
        ReferralAnswerInline,
        SupportReportInline,
        ContactConsentInline,
    ]
    actions = ["cancel_referrals"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by referring the idea (triage.referrals.services.idea_refer)

    @admin.action(description=_("Cancel the selected referrals"))
    def cancel_referrals(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Referral]
    ) -> None:
        done = 0
        for referral in queryset:
            try:
                referral_cancel(referral=referral, actor=request.user, reason=ADMIN_CANCEL_REASON)
            except DomainError as error:
                self.message_user(request, f"{referral}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d referral is cancelled.", "%(count)d referrals are cancelled.", done
                )
                % {"count": done},
                messages.SUCCESS,
            )
