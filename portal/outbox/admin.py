from django.contrib import admin

from portal.outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "state", "attempts"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in Message._meta.fields]
