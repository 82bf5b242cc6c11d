from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.roles import AuthenticatedHttpRequest
from portal.two_factor import second_factor_reset

if TYPE_CHECKING:
    from django.contrib.auth.models import User as UserModel
    from django.db.models import QuerySet

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-step login of the selected users (lost phone)"))
    def reset_two_factor(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[UserModel]
    ) -> None:
        for user in queryset:
            second_factor_reset(user=user, actor=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d user sets up two-step login again at the next login; they are told by "
                "email.",
                "%(count)d users set up two-step login again at the next login; they are told by "
                "email.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
