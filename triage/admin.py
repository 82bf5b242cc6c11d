from django.contrib import admin

from triage.models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["idea", "partner", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["idea"]
