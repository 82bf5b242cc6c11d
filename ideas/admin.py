from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ideas.models import (
    Idea,
    IdeaAttachment,
    IdeaEvent,
    IdeaQuestion,
    Municipality,
    OutreachEvent,
    SupportKind,
    Theme,
)


@admin.register(Theme, SupportKind)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "name_ar", "slug", "order"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_whole_county", "population"]


class IdeaEventInline(admin.TabularInline):
    model = IdeaEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "actor_label", "message_to_owner",
                       "internal_note", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class IdeaQuestionInline(admin.TabularInline):
    model = IdeaQuestion
    extra = 0
    can_delete = False
    readonly_fields = ["question", "asked_by", "asked_at", "answer", "answered_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # questions go through ideas.services.idea_ask_question


class IdeaAttachmentInline(admin.TabularInline):
    model = IdeaAttachment
    extra = 0
    can_delete = False
    fields = ["download", "content_type", "size", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, attachment: IdeaAttachment) -> str:
        # Through the committee's download view, never a public media URL.
        return format_html('<a href="{}">{}</a>',
                           reverse("ideas:attachment", kwargs={"uuid": attachment.pk}),
                           attachment.original_name)


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "municipality", "status", "channel", "created_at"]
    list_filter = ["status", "channel", "municipality", "outreach_event"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "status", "consent_version", "consent_given_at", "created_at",
                       "outreach_event", "registered_by", "anonymised_at"]
    inlines = [IdeaEventInline, IdeaQuestionInline, IdeaAttachmentInline]


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "place", "date"]
    list_filter = ["kind", "municipality"]
    date_hierarchy = "date"
