"""The committee's dashboard: the list with its filters and counts (cached as rendered), its
export as CSV or Excel, and the batch actions on ticked ideas."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ideas.models import Idea
from portal.cache import remember
from portal.roles import COMMITTEE_ROLES, COORDINATING, AuthenticatedHttpRequest, role_required
from portal.spreadsheets import FORMATS, spreadsheet_response
from triage.dashboard import selectors
from triage.dashboard.exports import idea_export_rows
from triage.dashboard.filters import IdeaFilter
from triage.dashboard.forms import BatchDeclineForm, BatchForm
from triage.dashboard.services import (
    BatchResult,
    ideas_assign_reviewers,
    ideas_decline,
    ideas_start_review,
    ideas_start_screening,
)
from triage.review.message_templates import TemplateKind, active_templates, template_text_in
from triage.review.rules import is_coordinating
from triage.review.views import assigned_message

PAGE_SIZE = 50
# Reversed once and cut off: the list adds each idea's own reference to what is left.
URL_REFERENCE = "IL-0000-0000"


def _dashboard_parts(request: AuthenticatedHttpRequest) -> dict[str, str]:
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
        "batch_form": BatchForm(coordinating=is_coordinating(request.user)),
        "filtered": filtered,
        "is_coordinator": is_coordinating(request.user),
        "idea_url": reverse("triage:idea_detail", args=[URL_REFERENCE]).removesuffix(
            URL_REFERENCE + "/"
        ),
    }
    templates = {
        "filters_html": "triage/includes/_dashboard_filters.html",
        "list_html": "triage/includes/_dashboard_list.html",
        "pagination_html": "includes/_pagination.html",
    }
    return {
        name: render_to_string(template, context, request) for name, template in templates.items()
    }


@role_required(*COMMITTEE_ROLES)
def dashboard_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """The list as filtered, as CSV or Excel; personal data only for the coordinator."""
    if file_format not in FORMATS:
        raise Http404
    include_personal = request.GET.get("personal") == "1"
    if include_personal and not is_coordinating(request.user):
        raise PermissionDenied
    ideas = IdeaFilter(request.GET, queryset=selectors.dashboard_ideas(user=request.user)).qs
    data = idea_export_rows(ideas, include_personal=include_personal)
    return spreadsheet_response(
        data, file_format=file_format, filename=f"idelotsen-ideas-{timezone.localdate():%Y-%m-%d}"
    )


@role_required(*COMMITTEE_ROLES)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A committee member reads the list over and over while the data rarely changes: the
    # rendered parts are kept until something they show changes (selectors.dashboard_version).
    query = request.GET.urlencode()
    parts = remember(
        "triage:dashboard",
        version=selectors.dashboard_version(
            user=request.user,
            query=query,
            language=get_language() or "sv",
            is_coordinator=is_coordinating(request.user),
        ),
        compute=lambda: _dashboard_parts(request),
        timeout=selectors.DASHBOARD_CACHE_SECONDS,
    )
    # Our own rendered templates: safe to insert as they are.
    parts = {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308
    return render(
        request,
        "triage/idea_list.html",
        {**parts, "query": query, "is_coordinator": is_coordinating(request.user)},
    )


def _back_to_list(query: str) -> HttpResponseRedirect:
    # Only a query string comes from the form, parsed and encoded again, so the redirect
    # never leaves the dashboard.
    url = reverse("triage:dashboard")
    query = QueryDict(query.lstrip("?")[:2000]).urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _report(request: AuthenticatedHttpRequest, done_text: str | None, result: BatchResult) -> None:
    """Say which ideas the batch action reached and, one by one, why the others were not."""
    if result.done and done_text:
        messages.success(
            request, done_text % {"ideas": ", ".join(i.reference for i in result.done)}
        )
    for idea, reason in [*result.refused, *result.left_out]:
        messages.error(
            request,
            _("%(reference)s was left out: %(reason)s")
            % {"reference": idea.reference, "reason": reason},
        )


@require_POST
@role_required(*COMMITTEE_ROLES)
def dashboard_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BatchForm(request.POST)
    back = _back_to_list(request.POST.get("query", ""))
    if request.POST.get("action") in BatchForm.COORDINATOR_ACTIONS and not is_coordinating(
        request.user
    ):
        raise PermissionDenied
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    ideas = list(form.cleaned_data["ideas"])
    action = form.cleaned_data["action"]
    if action == BatchForm.SCREENING:
        result = ideas_start_screening(ideas=ideas, actor=request.user)
        _report(request, _("Moved to screening: %(ideas)s"), result)
    elif action == BatchForm.REVIEW:
        result = ideas_start_review(ideas=ideas, actor=request.user)
        _report(request, _("Moved to review: %(ideas)s"), result)
    elif action == BatchForm.DECLINE:
        # The message is chosen, read and edited on a page of its own before anything is sent.
        return _decline_page(request, _decline_ideas([i.reference for i in ideas]), data=None)
    else:
        result = ideas_assign_reviewers(
            ideas=ideas, members=list(form.cleaned_data["reviewers"]), actor=request.user
        )
        messages.success(request, assigned_message(result.created))
        _report(request, None, result)
    return back


def _decline_ideas(references: list[str]) -> list[Idea]:
    """The ticked ideas with what their messages name, one page of the list at most."""
    return list(
        Idea.objects.select_related("municipality")
        .filter(reference__in=references[:PAGE_SIZE])
        .order_by("reference")
    )


def _decline_page(
    request: AuthenticatedHttpRequest, ideas: list[Idea], *, data: QueryDict | None
) -> HttpResponse:
    """The batch decline's page: the template, the message per owner's language with what one
    owner of each will read, and the ideas the workflow would leave out. "Use the template" fills
    the messages from it (replacing edits); "Decline" sends, each owner their own mail."""
    templates = active_templates((TemplateKind.DECLINE,))
    preview = selectors.decline_preview(ideas=ideas, actor=request.user)
    status = 200
    if data is None:
        data = QueryDict(mutable=True)
        data.setlist("ideas", [idea.reference for idea in ideas])
        data["query"] = request.POST.get("query", "")
    form = BatchDeclineForm(data, templates=templates, languages=preview.languages)
    valid = form.is_valid()
    template = form.chosen() if valid else None
    if valid and "use_template" in data:
        if template is None:
            form.add_error("template", _("Choose a template."))
        else:
            data = data.copy()
            for language in preview.languages:
                data[form.text_field(language)] = template_text_in(template, language)[1]
            form = BatchDeclineForm(data, templates=templates, languages=preview.languages)
            valid = form.is_valid()
    elif valid and "confirm" in data:
        if not preview.declinable:
            form.add_error(None, _("None of these ideas can be declined."))
        elif form.check_for_sending():
            result = ideas_decline(ideas=preview.declinable, texts=form.texts(), actor=request.user)
            _report(request, _("Declined, each owner told in their language: %(ideas)s"), result)
            for idea, reason in preview.blocked:
                messages.error(
                    request,
                    _("%(reference)s was left out: %(reason)s")
                    % {"reference": idea.reference, "reason": reason},
                )
            return _back_to_list(data.get("query", ""))
    if form.errors:
        status = 400
    texts = form.texts() if valid else {}
    preview = selectors.decline_preview(
        ideas=ideas, actor=request.user, texts=texts, template=template
    )
    return render(
        request,
        "triage/batch_decline.html",
        {
            "form": form,
            "preview": preview,
            "groups": [(group, form[form.text_field(group.language)]) for group in preview.groups],
            "query": data.get("query", ""),
            "template": template,
        },
        status=status,
    )


@require_POST
@role_required(*COORDINATING)
def batch_decline(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The batch decline's page sent: the template chosen, the preview again, or the decline."""
    ideas = _decline_ideas(request.POST.getlist("ideas"))
    if not ideas:
        messages.error(request, _("Select at least one idea in the list."))
        return _back_to_list(request.POST.get("query", ""))
    return _decline_page(request, ideas, data=request.POST)
