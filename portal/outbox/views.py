from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.domain import DomainError
from portal.outbox import selectors, services
from portal.outbox.forms import MessageFilterForm
from portal.outbox.models import Message, MessageState
from portal.roles import COMMITTEE_ROLES, role_required


def _state(value: str | None) -> str:
    return value if value in MessageState.values else ""


@role_required(*COMMITTEE_ROLES)
def message_list(request: HttpRequest) -> HttpResponse:
    state = _state(request.GET.get("state"))
    page = selectors.list_page(state=state, number=request.GET.get("page"))
    return render(
        request,
        "outbox/message_list.html",
        {
            "page": page,
            "rows": page.rows,
            "state": state,
            "filter_form": MessageFilterForm(initial={"state": state}),
            "resendable": (MessageState.FAILED,),
        },
    )


@role_required(*COMMITTEE_ROLES)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    return render(
        request,
        "outbox/message_detail.html",
        {
            "message": message,
            "text": selectors.hide_private_links(message.body_text),
            "asks_before_resend": message.state == MessageState.SENT,
        },
    )


@require_POST
@role_required(*COMMITTEE_ROLES)
def message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    if (
        message.state == MessageState.SENT
        and message.recipient
        and request.POST.get("again") != "yes"
    ):
        # It reached its recipient once: the message's page asks before it goes again.
        return redirect("outbox:detail", pk=message.pk)
    try:
        services.message_resend(message=message, again_if_sent=True)
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("The message to %(recipient)s is queued again.") % {"recipient": message.recipient},
        )
    url = reverse("outbox:list")
    state = _state(request.POST.get("state"))
    return redirect(f"{url}?state={state}" if state else url)
