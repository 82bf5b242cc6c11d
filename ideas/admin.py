from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from ideas import services
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

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import BaseInlineFormSet, ModelForm
    from django.http import HttpRequest


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
    readonly_fields = [
        "from_status",
        "to_status",
        "actor",
        "actor_label",
        "message_to_owner",
        "internal_note",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class IdeaQuestionInline(admin.TabularInline):
    model = IdeaQuestion
    extra = 0
    can_delete = False
    readonly_fields = ["question", "asked_by", "asked_at", "answer", "answered_at"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # questions go through ideas.services.idea_ask_question


class IdeaAttachmentInline(admin.TabularInline):
    model = IdeaAttachment
    extra = 0
    can_delete = False
    readonly_fields = ("download", "content_type", "size", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, attachment: IdeaAttachment) -> str:
        # Through the committee's download view, never a public media URL.
        return format_html(
            '<a href="{}">{}</a>',
            reverse("ideas:attachment", kwargs={"uuid": attachment.pk}),
            attachment.original_name,
        )


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "municipality", "status", "channel", "created_at"]
    list_filter = ["status", "channel", "municipality", "outreach_event"]
    search_fields = ["reference", "title"]
    readonly_fields = [
        "reference",
        "status",
        "consent_version",
        "consent_given_at",
        "created_at",
        "outreach_event",
        "registered_by",
        "anonymised_at",
        "versions",
    ]
    inlines = [IdeaEventInline, IdeaQuestionInline, IdeaAttachmentInline]

    @admin.display(description=_("versions"))
    def versions(self, idea: Idea) -> str:
        # Read only: version 1 is the idea as its owner sent it, and stays so.
        if idea.pk is None:
            return ""
        return format_html_join(
            "",
            "<p>{} {}, {} ({}): <code>{}</code></p>",
            (
                (
                    _("Version"),
                    version.number,
                    date_format(localtime(version.created_at), "SHORT_DATETIME_FORMAT"),
                    version.actor_display,
                    version.fingerprint,
                )
                for version in idea.versions.all()
            ),
        )

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Idea],
        formsets: list[BaseInlineFormSet[Any, Idea, Any]],
        change: bool,
    ) -> None:
        """Save the themes and kinds of support, then keep the changed idea as a new version:
        the original stays as its owner sent it."""
        super().save_related(request, form, formsets, change)
        assert request.user.is_authenticated  # the admin lets only logged-in staff in
        services.idea_version_record(idea=form.instance, actor=request.user)


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "place", "date"]
    list_filter = ["kind", "municipality"]
    date_hierarchy = "date"
