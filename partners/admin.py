from django.contrib import admin

from partners.models import Partner, PartnerContact


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 1


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_civil_society", "capacity", "is_active"]
    list_filter = ["kind", "is_civil_society", "is_active", "themes"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes", "support_kinds", "municipalities"]
    inlines = [PartnerContactInline]
