from django.contrib import admin

from ideas.models import Idea, IdeaEvent, Municipality, SupportKind, Theme


@admin.register(Theme, SupportKind)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "slug", "order"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_whole_county", "population"]


class IdeaEventInline(admin.TabularInline):
    model = IdeaEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "actor_label", "note", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "municipality", "status", "channel", "created_at"]
    list_filter = ["status", "channel", "municipality"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "status", "consent_version", "consent_given_at", "created_at"]
    inlines = [IdeaEventInline]
