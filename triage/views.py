import csv

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_ask_question, idea_transition
from portal.roles import COMMITTEE_ROLES, Role, has_role, role_required, user_roles
from portal.spreadsheets import spreadsheet_row
from triage import selectors
from triage.exports import FORMATS, dataset_response, idea_export_rows
from triage.filters import IdeaFilter
from triage.forms import (
    MAX_PK,
    AssignForm,
    BatchForm,
    ConflictForm,
    CriterionForm,
    LinkForm,
    NoteForm,
    ReviewForm,
    TransitionForm,
)
from triage.models import AnswerKind, Criterion, Note, Recommendation
from triage.referrals import workflow as referral_workflow
from triage.referrals.forms import PartnerReplyForm, ReferForm, ReferralCancelForm
from triage.referrals.suggestions import partner_suggestions, suggested_partner, top_suggestions
from triage.referrals.workflow import ReferralState
from triage.services import (
    REVIEWABLE_STATES,
    SCORING_ROLES,
    ConflictError,
    NoteError,
    ReviewError,
    conflict_declare,
    conflict_withdraw,
    criterion_save,
    ideas_link,
    ideas_start_screening,
    member_may_score,
    note_add,
    review_save,
    reviewers_assign,
)

COORDINATING = (Role.COORDINATOR, Role.ADMINISTRATOR)
# Who scores ideas: the administrator manages the portal but does not sit on the committee
# (triage.services.member_may_score decides, for the page and the service alike).
REVIEWING = SCORING_ROLES
PAGE_SIZE = 50
# Reversed once and cut off: the list adds each idea's own reference to what is left.
URL_REFERENCE = "IL-0000-0000"


def _dashboard_parts(request) -> dict[str, str]:
    """Render the inbox, the filters, the list and the page links of the dashboard."""
    idea_filter = IdeaFilter(request.GET, queryset=selectors.dashboard_ideas(user=request.user))
    counts = selectors.status_counts()
    filtered = any(v for k, v in request.GET.items() if k not in ("page", "sort"))
    paginator = Paginator(idea_filter.qs, PAGE_SIZE)
    if not filtered:
        # The inbox has just counted every idea; no need to count them again.
        paginator.count = sum(count.total for count in counts)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.attach_theme_names(list(page.object_list))
    context = {
        "page": page,
        "filter": idea_filter,
        "counts": counts,
        "ageing_days": selectors.ageing_days(),
        "batch_form": BatchForm(),
        "filtered": filtered,
        "is_coordinator": has_role(request.user, *COORDINATING),
        "idea_url": reverse("triage:idea_detail", args=[URL_REFERENCE]).removesuffix(
            URL_REFERENCE + "/"),
    }
    templates = {"filters_html": "triage/includes/_dashboard_filters.html",
                 "list_html": "triage/includes/_dashboard_list.html",
                 "pagination_html": "includes/_pagination.html"}
    return {name: render_to_string(template, context, request)
            for name, template in templates.items()}


@role_required(*COMMITTEE_ROLES)
def dashboard_export(request, file_format: str):
    """The list as filtered, as CSV or Excel; personal data only for the coordinator."""
    if file_format not in FORMATS:
        raise Http404
    include_personal = request.GET.get("personal") == "1"
    if include_personal and not has_role(request.user, *COORDINATING):
        raise PermissionDenied
    ideas = IdeaFilter(request.GET, queryset=selectors.dashboard_ideas(user=request.user)).qs
    data = idea_export_rows(ideas, include_personal=include_personal)
    return dataset_response(data, file_format=file_format, name="idelotsen-ideas")


@role_required(*COMMITTEE_ROLES)
def dashboard(request):
    # A committee member reads the list over and over while the data rarely changes: the
    # rendered parts are kept until something they show changes (selectors.dashboard_cache_key).
    query = request.GET.urlencode()
    key = selectors.dashboard_cache_key(
        user=request.user, query=query, language=get_language() or "sv",
        is_coordinator=has_role(request.user, *COORDINATING),
    )
    parts = cache.get(key)
    if parts is None:
        parts = _dashboard_parts(request)
        cache.set(key, parts, selectors.DASHBOARD_CACHE_SECONDS)
    # Our own rendered templates: safe to insert as they are.
    parts = {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308
    return render(request, "triage/idea_list.html", {**parts, "query": query})


def _assigned_message(created: int) -> str:
    return ngettext("%(count)s new review assignment.", "%(count)s new review assignments.",
                    created) % {"count": created}


def _back_to_list(query: str):
    # Only a query string comes from the form, parsed and encoded again, so the redirect
    # never leaves the dashboard.
    url = reverse("triage:dashboard")
    query = QueryDict(query.lstrip("?")[:2000]).urlencode()
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@role_required(*COMMITTEE_ROLES)
def dashboard_batch(request):
    form = BatchForm(request.POST)
    back = _back_to_list(request.POST.get("query", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    ideas = list(form.cleaned_data["ideas"])
    if form.cleaned_data["action"] == BatchForm.SCREENING:
        result = ideas_start_screening(ideas=ideas, actor=request.user)
        if result.done:
            messages.success(request, _("Moved to screening: %(ideas)s")
                             % {"ideas": ", ".join(i.reference for i in result.done)})
        for idea, reason in result.refused:
            messages.error(request, f"{idea.reference}: {reason}")
    else:
        if not has_role(request.user, *COORDINATING):
            raise PermissionDenied
        created = reviewers_assign(ideas=ideas, members=list(form.cleaned_data["reviewers"]),
                                   actor=request.user)
        messages.success(request, _assigned_message(created))
    return back


def _get_idea(reference: str) -> Idea:
    idea = selectors.idea_for_page(reference)
    if idea is None:
        raise Http404
    return idea


def _referral_rows(idea: Idea, user, bound: ReferralCancelForm | None) -> list[dict]:
    """Each referral with its cancel form where this user may withdraw it (the table says)."""
    rows = []
    for referral in idea.referrals.all():
        form = None
        if ReferralState.CANCELLED in referral_workflow.next_states(referral.state, user):
            prefix = f"cancel-{referral.pk}"
            form = bound if bound is not None and bound.prefix == prefix else \
                ReferralCancelForm(prefix=prefix)
        rows.append({"referral": referral, "cancel_form": form})
    return rows


def _idea_page(request, idea: Idea, refer_form: ReferForm | None = None, status: int = 200,
               **forms):
    user = request.user
    roles = user_roles(user)
    suggestions = partner_suggestions(idea)
    can_refer = workflow.may_refer(idea.status, user)
    reviews = list(idea.reviews.all())
    my_review = next((review for review in reviews if review.member_id == user.pk), None)
    excluded = selectors.excluded_members(idea)
    declared = user.pk in excluded
    may_review = (member_may_score(user) and not declared
                  and idea.status in REVIEWABLE_STATES)
    # A member who stood aside has no own review to wait for: the page says why instead.
    sees_scores = (selectors.may_see_others_scores(user=user, reviews=reviews)
                   and (not declared or has_role(user, *COORDINATING)))
    criteria = list(selectors.active_criteria()) if may_review else []
    organisations = selectors.member_organisations(user)
    referral_rows = _referral_rows(idea, user, forms.get("cancel_form"))
    # A reply form under each referral whose partner asked the committee a question.
    for row in referral_rows:
        referral = row["referral"]
        asked = any(answer.kind == AnswerKind.QUESTION for answer in referral.answers.all())
        row["reply_form"] = None
        if asked and roles & set(COORDINATING):
            row["reply_form"] = (forms.get("reply_form")
                                 if forms.get("reply_referral") == referral.pk
                                 else PartnerReplyForm(auto_id=f"reply-{referral.pk}-%s"))
    return render(
        request,
        "triage/idea_detail.html",
        {
            "idea": idea,
            "events": idea.events.all(),
            "history": selectors.idea_history(idea),
            "questions": idea.questions.all(),
            "referrals": referral_rows,
            "notes": idea.notes.all(),
            "assignments": idea.assignments.all(),
            "conflicts": idea.conflicts.all(),
            "move_form": (forms.get("move_form") or TransitionForm(idea=idea, actor=user))
            if workflow.next_states(idea.status, user) else None,
            # A refused referral shows its form with the reason, even where none is offered.
            "refer_form": refer_form or (ReferForm(suggestions=suggestions) if can_refer
                                         else None),
            "suggestions": suggestions,
            "my_review": my_review,
            "review_form": (forms.get("review_form")
                            or ReviewForm(criteria=criteria, review=my_review))
            if may_review else None,
            "sees_scores": sees_scores,
            "other_reviews": [r for r in reviews if r.submitted_at and r is not my_review]
            if sees_scores else [],
            "aggregate": selectors.aggregate(reviews, excluded) if sees_scores else None,
            "submitted_count": sum(1 for r in reviews if r.submitted_at
                                   and r.member_id not in excluded),
            "declared_conflict": declared,
            "conflicts_member_ids": excluded,
            "conflict_prompt": [] if declared else selectors.conflict_reasons(
                idea=idea, organisations=organisations, suggestions=suggestions),
            "conflict_form": forms.get("conflict_form") or ConflictForm(),
            "note_form": forms.get("note_form") or NoteForm(),
            "link_form": forms.get("link_form") or LinkForm(),
            "assign_form": (forms.get("assign_form") or AssignForm())
            if roles & set(COORDINATING) else None,
            "similar": selectors.similar_ideas(idea),
            "linked": selectors.linked_ideas(idea),
            "recommendations": Recommendation,
        },
        status=status,
    )


@role_required(*COMMITTEE_ROLES)
def idea_detail(request, reference: str):
    return _idea_page(request, _get_idea(reference))


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_move(request, reference: str):
    idea = _get_idea(reference)
    form = TransitionForm(request.POST, idea=idea, actor=request.user)
    if form.is_valid():
        try:
            if form.cleaned_data["to"] == workflow.Status.NEEDS_INFORMATION:
                # A question to the resident: kept with its answer, mailed with how to answer.
                idea_ask_question(idea=idea, question=form.cleaned_data["message_to_owner"],
                                  actor=request.user,
                                  internal_note=form.cleaned_data["internal_note"])
            else:
                idea_transition(idea=idea, to=form.cleaned_data["to"], actor=request.user,
                                message_to_owner=form.cleaned_data["message_to_owner"],
                                internal_note=form.cleaned_data["internal_note"])
        except workflow.TransitionNotAllowed as error:
            form.add_error("to", str(error))
        else:
            messages.success(request, _("The idea is now: %(status)s")
                             % {"status": workflow.staff_label(idea.status)})
            return _to_idea(idea, "move-heading")
    return _idea_page(request, idea, move_form=form, status=400)


def _to_idea(idea: Idea, anchor: str):
    return redirect(reverse("triage:idea_detail", args=[idea.reference]) + f"#{anchor}")


@require_POST
@role_required(*REVIEWING)
def idea_review(request, reference: str):
    if not member_may_score(request.user):  # an administrator holds the role, not the seat
        raise PermissionDenied
    idea = _get_idea(reference)
    form = ReviewForm(request.POST, criteria=list(selectors.active_criteria()))
    if form.is_valid():
        try:
            review_save(idea=idea, member=request.user, scores=form.scores(),
                        recommendation=form.cleaned_data["recommendation"],
                        comment=form.cleaned_data["comment"], submit=form.submitting)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your review is submitted.") if form.submitting
                             else _("Your review is saved as a draft."))
            return _to_idea(idea, "review-heading")
    return _idea_page(request, idea, review_form=form, status=400)


@require_POST
@role_required(*REVIEWING)
def idea_conflict(request, reference: str):
    idea = _get_idea(reference)
    form = ConflictForm(request.POST)
    if form.is_valid():
        conflict_declare(idea=idea, member=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your conflict of interest is recorded. You will not score "
                                    "this idea."))
        return _to_idea(idea, "conflict-heading")
    return _idea_page(request, idea, conflict_form=form, status=400)


@require_POST
@role_required(*REVIEWING)
def idea_conflict_withdraw(request, reference: str):
    idea = get_object_or_404(Idea, reference=reference)
    try:
        conflict_withdraw(idea=idea, member=request.user, actor=request.user)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your conflict of interest is withdrawn. You can score this "
                                    "idea again."))
    return _to_idea(idea, "conflict-heading")


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_note(request, reference: str):
    idea = _get_idea(reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        parent = Note.objects.filter(idea=idea, pk=parent_id).first() if parent_id else None
        try:
            note_add(idea=idea, author=request.user, body=form.cleaned_data["body"],
                     parent=parent)
        except NoteError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("Your note is saved."))
            return _to_idea(idea, "notes-heading")
    return _idea_page(request, idea, note_form=form, status=400)


@require_POST
@role_required(*COMMITTEE_ROLES)
def idea_link(request, reference: str):
    idea = _get_idea(reference)
    form = LinkForm(request.POST)
    if form.is_valid():
        other = Idea.objects.filter(reference=form.cleaned_data["other"].strip()).first()
        if other is None:
            form.add_error("other", _("No idea has that reference number."))
        else:
            try:
                ideas_link(idea=idea, other=other, actor=request.user)
            except NoteError as error:
                form.add_error("other", str(error))
            else:
                messages.success(request, _("Linked to %(reference)s.")
                                 % {"reference": other.reference})
                return _to_idea(idea, "similar-heading")
    return _idea_page(request, idea, link_form=form, status=400)


@require_POST
@role_required(*COORDINATING)
def idea_assign(request, reference: str):
    idea = _get_idea(reference)
    form = AssignForm(request.POST)
    if form.is_valid():
        created = reviewers_assign(ideas=[idea], members=list(form.cleaned_data["reviewers"]),
                                   actor=request.user)
        messages.success(request, _assigned_message(created))
        return _to_idea(idea, "assign-heading")
    return _idea_page(request, idea, assign_form=form, status=400)


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def criterion_list(request):
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        criterion_save(criterion=form.save(commit=False))
        messages.success(request, _("The criterion is added."))
        return redirect("triage:criterion_list")
    return render(request, "triage/criterion_list.html",
                  {"criteria": Criterion.objects.all(), "form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(*COORDINATING)
def criterion_edit(request, criterion_id: int):
    criterion = get_object_or_404(Criterion, pk=min(criterion_id, MAX_PK))
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        criterion_save(criterion=form.save(commit=False))
        messages.success(request, _("The criterion is saved."))
        return redirect("triage:criterion_list")
    return render(request, "triage/criterion_form.html", {"form": form, "criterion": criterion},
                  status=400 if form.errors else 200)


def _agenda_rows(user):
    """The agenda; a member who has not scored an idea sees only how many have (no anchoring)."""
    rows = []
    for idea in selectors.meeting_agenda():
        excluded = selectors.excluded_members(idea)
        all_reviews = list(idea.reviews.all())
        reviews = [r for r in all_reviews if r.member_id not in excluded]
        aggregate = selectors.aggregate(all_reviews, excluded)
        conflicted = user.pk in excluded
        hidden = (not selectors.may_see_others_scores(user=user, reviews=all_reviews)
                  or (conflicted and not has_role(user, *COORDINATING)))
        recommendations = {value: sum(1 for r in reviews if r.submitted_at
                                      and r.recommendation == value)
                           for value in Recommendation.values}
        rows.append({
            "idea": idea,
            "hidden": hidden,
            "conflicted": conflicted,
            "aggregate": selectors.Aggregate(count=aggregate.count) if hidden else aggregate,
            "recommendations": [(Recommendation(v).label, None if hidden else n)
                                for v, n in recommendations.items()],
            "suggestions": [suggested_partner(s) for s in
                            top_suggestions(partner_suggestions(idea), 3)],
        })
    return rows


@role_required(*COMMITTEE_ROLES)
def meeting_agenda(request):
    return render(request, "triage/idea_agenda.html",
                  {"rows": _agenda_rows(request.user), "today": timezone.localdate()})


@role_required(*COMMITTEE_ROLES)
def meeting_agenda_csv(request):
    rows = _agenda_rows(request.user)
    criteria = list(Criterion.objects.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="agenda-{timezone.localdate():%Y-%m-%d}.csv"')
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte order mark
    writer = csv.writer(response)
    writer.writerow(spreadsheet_row([
        _("Reference"), _("Title"), _("Municipality"), _("Reviews"), _("Weighted mean"),
        _("Spread"), *(c.name for c in criteria),
        *(str(label) for label in Recommendation.labels),
        _("Suggested partners"),
    ]))
    for row in rows:
        aggregate = row["aggregate"]
        by_criterion = {r.criterion.pk: r.mean for r in aggregate.per_criterion}
        writer.writerow(spreadsheet_row((
            row["idea"].reference, row["idea"].title, row["idea"].municipality,
            aggregate.count, _round(aggregate.mean), _round(aggregate.spread),
            *(_round(by_criterion.get(c.pk)) for c in criteria),
            *(n for _label, n in row["recommendations"]),
            "; ".join(p.name for p in row["suggestions"]),
        )))
    return response


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
