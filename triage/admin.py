from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from triage import referral_workflow
from triage.models import (
    ConflictDeclaration,
    Criterion,
    IdeaLink,
    Membership,
    Note,
    Referral,
    ReferralAnswer,
    ReferralEvent,
    Review,
    ReviewAssignment,
    Score,
    SupportReport,
)


class ReferralAnswerInline(admin.TabularInline):
    """The partner's answers, kept as they were given."""

    model = ReferralAnswer
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "text", "contact", "user", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SupportReportInline(admin.TabularInline):
    model = SupportReport
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "progress", "text", "reported_by", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReferralEventInline(admin.TabularInline):
    """The referral's history, as `referral_transition` wrote it."""

    model = ReferralEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["from_state", "to_state", "actor", "actor_label", "reason",
                                "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
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
    readonly_fields = ["idea", "partner", "note", "state", "includes_contact_details",
                       "created_by", "created_at", "answered_at"]
    inlines = [ReferralEventInline, ReferralAnswerInline, SupportReportInline]
    actions = ["cancel_referrals"]

    def has_add_permission(self, request) -> bool:
        return False  # referrals are made by referring the idea (triage.services.idea_refer)

    @admin.action(description=_("Cancel the selected referrals"))
    def cancel_referrals(self, request, queryset) -> None:
        from triage.services import referral_cancel

        done = 0
        for referral in queryset:
            try:
                referral_cancel(referral=referral, actor=request.user, reason=ADMIN_CANCEL_REASON)
            except referral_workflow.ReferralMoveNotAllowed as error:
                self.message_user(request, f"{referral}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(count)d referral is cancelled.",
                                                "%(count)d referrals are cancelled.", done)
                              % {"count": done}, messages.SUCCESS)


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
    fields = readonly_fields = ["criterion", "value", "comment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews and scores are the members' own (triage.services.review_save); the administrator
    reads them here and does not score."""

    list_display = ["idea", "member", "recommendation", "submitted_at"]
    list_filter = ["recommendation", ("submitted_at", admin.EmptyFieldListFilter)]
    inlines = [ScoreInline]
    list_select_related = ["idea", "member"]
    readonly_fields = ["idea", "member", "recommendation", "comment", "submitted_at",
                       "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
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
