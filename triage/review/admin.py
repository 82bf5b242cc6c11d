from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from triage.review.message_templates import MessageTemplate
from triage.review.models import (
    AgendaItem,
    ConflictDeclaration,
    Criterion,
    IdeaLink,
    Meeting,
    Membership,
    Note,
    Review,
    ReviewAssignment,
    Score,
)

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "weight", "order", "is_active"]
    list_editable = ["weight", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = readonly_fields = ("criterion", "value", "comment")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews and scores are the members' own (triage.review.services.review_save); the
    administrator reads them here and does not score."""

    list_display = ["idea", "member", "recommendation", "submitted_at"]
    list_filter = ["recommendation", ("submitted_at", admin.EmptyFieldListFilter)]
    inlines = [ScoreInline]
    list_select_related = ["idea", "member"]
    readonly_fields = ["idea", "member", "recommendation", "comment", "submitted_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["idea", "member", "assigned_by", "assigned_at"]
    raw_id_fields = ["idea", "member", "assigned_by"]
    list_select_related = ["idea", "member", "assigned_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "partner"]
    raw_id_fields = ["member", "partner"]
    search_fields = ["partner__name", "member__username"]
    list_select_related = ["member", "partner"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    """Declarations are the record of who stood aside; they are read here, never edited."""

    list_display = ["idea", "member", "declared_at", "withdrawn_at"]
    readonly_fields = ["idea", "member", "reason", "declared_at", "withdrawn_at", "withdrawn_by"]
    list_select_related = ["idea", "member"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["idea", "author", "created_at"]
    raw_id_fields = ["idea", "parent", "author"]
    list_select_related = ["idea", "author"]


@admin.register(IdeaLink)
class IdeaLinkAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "created_by", "created_at"]
    raw_id_fields = ["first", "second", "created_by"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """The coordinator's texts for messages to owners; retired, not deleted, once used."""

    list_display = ["title", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "text_sv"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "is_active"]}),
        (
            _("Texts"),
            {
                "fields": ["text_sv", "text_en", "text_ar", "text_sv_easy"],
                "description": _(
                    "Placeholders: {title} (the idea's title), {municipality} (its municipality) "
                    "and, in a message with a referral, {partner} (the partner's name)."
                ),
            },
        ),
    ]


class AgendaItemInline(admin.TabularInline):
    """The agenda as the meeting's page left it: decisions are recorded and carried out there,
    through the workflow, never edited here."""

    model = AgendaItem
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "position",
        "idea",
        "decision",
        "hold_until",
        "decided_at",
        "carried_out_at",
        "carry_out_error",
    )

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "state", "created_by"]
    list_filter = ["state"]
    search_fields = ["title"]
    date_hierarchy = "date"
    readonly_fields = ["public_id", "state", "created_by", "created_at"]
    inlines = [AgendaItemInline]
