from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ideas import selectors as idea_selectors
from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_transition
from portal.outbox.models import Message, MessageState
from portal.roles import COMMITTEE_ROLES, Role, role_required, user_roles
from triage.forms import ReferForm, TransitionForm
from triage.services import ReferralError, idea_refer

COORDINATING = (Role.COORDINATOR, Role.ADMINISTRATOR)


@role_required(*COMMITTEE_ROLES)
def dashboard(request):
    ideas = idea_selectors.ideas_for_committee()
    page = Paginator(ideas, 50).get_page(request.GET.get("page"))
    return render(request, "triage/idea_list.html", {"page": page})


def _idea_page(request, idea: Idea, refer_form: ReferForm | None = None, status: int = 200):
    roles = user_roles(request.user)
    can_refer = roles & set(COORDINATING) and workflow.find(idea.status, workflow.Status.REFERRED)
    return render(
        request,
        "triage/idea_detail.html",
        {
            "idea": idea,
            "events": idea.events.select_related("actor"),
            "referrals": idea.referrals.select_related("partner"),
            "next_states": workflow.next_states(idea.status, roles),
            "refer_form": (refer_form or ReferForm()) if can_refer else None,
        },
        status=status,
    )


@role_required(*COMMITTEE_ROLES)
def idea_detail(request, reference: str):
    idea = get_object_or_404(idea_selectors.ideas_for_committee(), reference=reference)
    return _idea_page(request, idea)


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_move(request, reference: str):
    idea = get_object_or_404(Idea, reference=reference)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            idea_transition(idea=idea, to=form.cleaned_data["to"], actor=request.user,
                            actor_roles=user_roles(request.user), note=form.cleaned_data["note"])
        except (workflow.TransitionNotAllowed, ValueError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The idea is now: %(status)s")
                             % {"status": workflow.staff_label(idea.status)})
    return redirect("triage:idea_detail", reference=idea.reference)


@require_POST
@role_required(*COORDINATING)
def idea_refer_view(request, reference: str):
    idea = get_object_or_404(idea_selectors.ideas_for_committee(), reference=reference)
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            referrals = idea_refer(idea=idea, partners=list(form.cleaned_data["partners"]),
                                   note=form.cleaned_data["note"], actor=request.user,
                                   actor_roles=user_roles(request.user))
        except (ReferralError, workflow.TransitionNotAllowed, IntegrityError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Referred to %(partners)s.") % {
                "partners": ", ".join(r.partner.name for r in referrals)})
            return redirect("triage:idea_detail", reference=idea.reference)
    return _idea_page(request, idea, refer_form=form, status=400)


@role_required(*COMMITTEE_ROLES)
def outbox(request):
    messages_qs = Message.objects.all()
    state = request.GET.get("state")
    if state in MessageState.values:
        messages_qs = messages_qs.filter(state=state)
    page = Paginator(messages_qs, 50).get_page(request.GET.get("page"))
    return render(request, "triage/message_list.html",
                  {"page": page, "states": MessageState.choices, "state": state})
