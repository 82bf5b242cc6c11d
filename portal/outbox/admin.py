from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.domain import DomainError
from portal.outbox import services
from portal.outbox.models import Message

if TYPE_CHECKING:
    from django.db.models import QuerySet


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "subject", "message_id"]
    # The bodies stay out of view: a receipt carries the resident's private tracking link.
    exclude = ["body_text", "body_html"]
    readonly_fields = [
        f.name for f in Message._meta.fields if f.name not in ("body_text", "body_html")
    ]
    actions = ["resend"]

    # Every mail is written by message_enqueue in the transaction of the change that causes
    # it; a row made or removed by hand would be a mail nobody asked for, or a lost record.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed or sent messages again"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        # The action is named for failed and sent messages: choosing it is the question asked.
        count = erased = 0
        for message in queryset:
            try:
                services.message_resend(message=message, again_if_sent=True)
            except DomainError:
                # Nothing goes to an address whose owner erased their personal data.
                if not message.recipient:
                    erased += 1
                continue
            count += 1
        if erased:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not sent again: its recipient has erased their "
                    "personal data.",
                    "%(count)d messages were not sent again: their recipients have erased "
                    "their personal data.",
                    erased,
                )
                % {"count": erased},
                messages.ERROR,
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d message is queued again.",
                "%(count)d messages are queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
