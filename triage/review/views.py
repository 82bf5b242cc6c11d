"""The committee's pages of an idea (move it, review and score it, declare a conflict, notes,
links, reviewers), the criteria and the meeting agenda. Thin: form, service, message, redirect;
what a user sees and may do is decided in `rules`, `idea_page` and `meeting`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_ask_question, idea_transition
from portal.domain import DomainError
from portal.roles import COMMITTEE_ROLES, COORDINATING, AuthenticatedHttpRequest, role_required
from triage.review.forms import (
    AssignForm,
    ConflictForm,
    CriterionForm,
    LinkForm,
    NoteForm,
    ReviewForm,
    TransitionForm,
)
from triage.review.idea_page import idea_for_page, idea_page_context, template_prefill
from triage.review.meeting import agenda_csv, agenda_rows
from triage.review.models import Criterion, Note
from triage.review.selectors import active_criteria
from triage.review.services import (
    SCORING_ROLES,
    conflict_declare,
    conflict_withdraw,
    criterion_save,
    ideas_link,
    member_may_score,
    note_add,
    review_save,
    reviewers_assign,
)

# Who scores ideas: the administrator manages the portal but does not sit on the committee
# (triage.review.services.member_may_score decides, for the page and the service alike).
REVIEWING = SCORING_ROLES


def get_idea(reference: str) -> Idea:
    """The idea with everything its page shows, or 404."""
    idea = idea_for_page(reference)
    if idea is None:
        raise Http404
    return idea


def idea_page(
    request: AuthenticatedHttpRequest, idea: Idea, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The idea's page; `bound` holds a sent form with its errors, shown instead of the empty
    one."""
    return render(
        request,
        "triage/idea_detail.html",
        idea_page_context(idea=idea, user=request.user, bound=bound),
        status=status,
    )


def to_idea(idea: Idea, anchor: str) -> HttpResponseRedirect:
    return redirect(reverse("triage:idea_detail", args=[idea.reference]) + f"#{anchor}")


def assigned_message(created: int) -> str:
    return ngettext(
        "%(count)s new review assignment.", "%(count)s new review assignments.", created
    ) % {"count": created}


@role_required(*COMMITTEE_ROLES)
def idea_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    if "template" not in request.GET:
        return idea_page(request, idea)
    # A message to the owner started from a template (a GET form, so it works without script).
    bound = template_prefill(idea=idea, user=request.user, query=request.GET)
    return idea_page(request, idea, status=200 if "template_place" in bound else 400, **bound)


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_move(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    form = TransitionForm(request.POST, idea=idea, actor=request.user)
    if form.is_valid():
        try:
            if form.cleaned_data["to"] == workflow.Status.NEEDS_INFORMATION:
                # A question to the resident: kept with its answer, mailed with how to answer.
                idea_ask_question(
                    idea=idea,
                    question=form.cleaned_data["message_to_owner"],
                    actor=request.user,
                    internal_note=form.cleaned_data["internal_note"],
                )
            else:
                idea_transition(
                    idea=idea,
                    to=form.cleaned_data["to"],
                    actor=request.user,
                    message_to_owner=form.cleaned_data["message_to_owner"],
                    internal_note=form.cleaned_data["internal_note"],
                )
        except DomainError as error:
            form.add_error("to", str(error))
        else:
            messages.success(
                request,
                _("The idea is now: %(status)s") % {"status": workflow.staff_label(idea.status)},
            )
            return to_idea(idea, "move-heading")
    return idea_page(request, idea, move_form=form, status=400)


@require_POST
@role_required(*REVIEWING)
def idea_review(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    if not member_may_score(request.user):  # an administrator holds the role, not the seat
        raise PermissionDenied
    idea = get_idea(reference)
    form = ReviewForm(request.POST, criteria=list(active_criteria()))
    if form.is_valid():
        try:
            review_save(
                idea=idea,
                member=request.user,
                scores=form.scores(),
                recommendation=form.cleaned_data["recommendation"],
                comment=form.cleaned_data["comment"],
                submit=form.submitting,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your review is submitted.")
                if form.submitting
                else _("Your review is saved as a draft."),
            )
            return to_idea(idea, "review-heading")
    return idea_page(request, idea, review_form=form, status=400)


@require_POST
@role_required(*REVIEWING)
def idea_conflict(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    form = ConflictForm(request.POST)
    if form.is_valid():
        conflict_declare(idea=idea, member=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("Your conflict of interest is recorded. You will not score this idea.")
        )
        return to_idea(idea, "conflict-heading")
    return idea_page(request, idea, conflict_form=form, status=400)


@require_POST
@role_required(*REVIEWING)
def idea_conflict_withdraw(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_object_or_404(Idea, reference=reference)
    try:
        conflict_withdraw(idea=idea, member=request.user, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your conflict of interest is withdrawn. You can score this idea again.")
        )
    return to_idea(idea, "conflict-heading")


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_note(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        parent = Note.objects.filter(idea=idea, pk=parent_id).first() if parent_id else None
        try:
            note_add(idea=idea, author=request.user, body=form.cleaned_data["body"], parent=parent)
        except DomainError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("Your note is saved."))
            return to_idea(idea, "notes-heading")
    return idea_page(request, idea, note_form=form, status=400)


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_link(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    form = LinkForm(request.POST)
    if form.is_valid():
        other = Idea.objects.filter(reference=form.cleaned_data["other"].strip()).first()
        if other is None:
            form.add_error("other", _("No idea has that reference number."))
        else:
            try:
                ideas_link(idea=idea, other=other, actor=request.user)
            except DomainError as error:
                form.add_error("other", str(error))
            else:
                messages.success(
                    request, _("Linked to %(reference)s.") % {"reference": other.reference}
                )
                return to_idea(idea, "similar-heading")
    return idea_page(request, idea, link_form=form, status=400)


@require_POST
@role_required(*COORDINATING)
def idea_assign(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    form = AssignForm(request.POST)
    if form.is_valid():
        created = reviewers_assign(
            ideas=[idea], members=list(form.cleaned_data["reviewers"]), actor=request.user
        )
        messages.success(request, assigned_message(created))
        return to_idea(idea, "assign-heading")
    return idea_page(request, idea, assign_form=form, status=400)


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def criterion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        criterion_save(criterion=form.save(commit=False))
        messages.success(request, _("The criterion is added."))
        return redirect("triage:criterion_list")
    return render(
        request,
        "triage/criterion_list.html",
        {"criteria": Criterion.objects.all(), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def criterion_edit(request: AuthenticatedHttpRequest, criterion_id: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion, pk=criterion_id)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        criterion_save(criterion=form.save(commit=False))
        messages.success(request, _("The criterion is saved."))
        return redirect("triage:criterion_list")
    return render(
        request,
        "triage/criterion_form.html",
        {"form": form, "criterion": criterion},
        status=400 if form.errors else 200,
    )


@role_required(*COMMITTEE_ROLES)
def meeting_agenda(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "triage/idea_agenda.html",
        {"rows": agenda_rows(request.user), "today": timezone.localdate()},
    )


@role_required(*COMMITTEE_ROLES)
def meeting_agenda_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    return agenda_csv(agenda_rows(request.user))
