from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.outbox import selectors, services
from portal.outbox.models import Message, MessageState
from portal.roles import COMMITTEE_ROLES, role_required


def _state(value: str | None) -> str:
    return value if value in MessageState.values else ""


@role_required(*COMMITTEE_ROLES)
def message_list(request):
    state = _state(request.GET.get("state"))
    page = Paginator(selectors.messages_for_committee(state=state), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "outbox/message_list.html", {
        "page": page, "states": MessageState.choices, "state": state,
        "resendable": services.RESENDABLE_STATES,
    })


@require_POST
@role_required(*COMMITTEE_ROLES)
def message_resend(request, pk: int):
    message = get_object_or_404(Message, pk=pk)
    if services.message_resend(message=message):
        messages.success(request, _("The message to %(recipient)s is queued again.")
                         % {"recipient": message.recipient})
    else:
        messages.error(request, _("Only failed or sent messages can be sent again."))
    url = reverse("outbox:list")
    state = _state(request.POST.get("state"))
    return redirect(f"{url}?state={state}" if state else url)
