"""The committee's dashboard: the list with its filters and counts (cached as rendered), its
export as CSV or Excel, and the batch actions on ticked ideas."""

from django.contrib import messages
from django.core.cache import cache
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

from portal.roles import COMMITTEE_ROLES, AuthenticatedHttpRequest, role_required
from portal.spreadsheets import FORMATS, spreadsheet_response
from triage.dashboard import selectors
from triage.dashboard.exports import idea_export_rows
from triage.dashboard.filters import IdeaFilter
from triage.dashboard.forms import BatchForm
from triage.dashboard.services import ideas_start_screening
from triage.review.rules import is_coordinating
from triage.review.services import reviewers_assign
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
        "batch_form": BatchForm(),
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
    # rendered parts are kept until something they show changes (selectors.dashboard_cache_key).
    query = request.GET.urlencode()
    key = selectors.dashboard_cache_key(
        user=request.user,
        query=query,
        language=get_language() or "sv",
        is_coordinator=is_coordinating(request.user),
    )
    parts = cache.get(key)
    if parts is None:
        parts = _dashboard_parts(request)
        cache.set(key, parts, selectors.DASHBOARD_CACHE_SECONDS)
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


@require_POST
@role_required(*COMMITTEE_ROLES)
def dashboard_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BatchForm(request.POST)
    back = _back_to_list(request.POST.get("query", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    ideas = list(form.cleaned_data["ideas"])
    if form.cleaned_data["action"] == BatchForm.SCREENING:
        result = ideas_start_screening(ideas=ideas, actor=request.user)
        if result.done:
            messages.success(
                request,
                _("Moved to screening: %(ideas)s")
                % {"ideas": ", ".join(i.reference for i in result.done)},
            )
        for idea, reason in result.refused:
            messages.error(request, f"{idea.reference}: {reason}")
    else:
        if not is_coordinating(request.user):
            raise PermissionDenied
        created = reviewers_assign(
            ideas=ideas, members=list(form.cleaned_data["reviewers"]), actor=request.user
        )
        messages.success(request, assigned_message(created))
    return back
