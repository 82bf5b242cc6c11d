"""The committee's meetings: the list and a new meeting, the agenda with a decision form per
idea, carrying the decisions out, and the minutes (a page to print and a text file). Thin:
form, service, message, redirect; the committee reads, the coordinator acts
(`meetings.may_run_meetings`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.models import Partner
from portal.domain import DomainError
from portal.lookups import is_pk
from portal.roles import COMMITTEE_ROLES, AuthenticatedHttpRequest, role_required
from triage.referrals.suggestions import partner_suggestions_for_ideas, top_suggestions
from triage.review import meetings
from triage.review.meeting import AGENDA_SUGGESTIONS
from triage.review.meeting_forms import (
    DECISION_TEMPLATE_KINDS,
    TEMPLATE_DECISIONS,
    AgendaAddForm,
    AttendeesForm,
    DecisionForm,
    MeetingForm,
)
from triage.review.message_templates import TemplateKind, active_templates, message_template_fill
from triage.review.models import AgendaItem, Meeting


def _coordinator_only(request: AuthenticatedHttpRequest) -> None:
    if not meetings.may_run_meetings(request.user):
        raise PermissionDenied


def _meeting(public_id: str) -> Meeting:
    return get_object_or_404(Meeting, public_id=public_id)


@require_http_methods(["GET", "POST"])
@role_required(*COMMITTEE_ROLES)
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        _coordinator_only(request)
        if form.is_valid():
            meeting = meetings.meeting_create(
                date=form.cleaned_data["date"], title=form.cleaned_data["title"], actor=request.user
            )
            messages.success(request, _("The meeting is planned. Put ideas on its agenda."))
            return redirect(meeting)
    return render(
        request,
        "triage/meetings/meeting_list.html",
        {
            "meetings": meetings.meetings_list(),
            "form": form,
            "may_run": meetings.may_run_meetings(request.user),
        },
        status=400 if form.errors else 200,
    )


def _agenda_response(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    bound: DecisionForm | None = None,
    bound_item: int | None = None,
    **forms: Any,
) -> HttpResponse:
    """The meeting's page; `bound` is a sent decision form with its errors, shown in place of
    that item's form with what was typed."""
    page = meetings.agenda_page(meeting, request.user)
    may_run = meetings.may_run_meetings(request.user) and meetings.is_open(meeting)
    if may_run:
        # Read once for every item's form.
        templates = active_templates(DECISION_TEMPLATE_KINDS) if page.rows else []
        for row in page.rows:
            item = row["item"]
            row["form"] = (
                bound
                if bound is not None and item.pk == bound_item
                else DecisionForm(
                    item=item,
                    suggestions=top_suggestions(
                        page.suggestions.get(item.idea.pk), AGENDA_SUGGESTIONS
                    ),
                    partner_choices=page.partner_choices,
                    templates=templates,
                )
            )
    context = {
        "meeting": meeting,
        "rows": page.rows,
        "may_run": may_run,
        "is_open": meetings.is_open(meeting),
        "candidates": list(meetings.ideas_awaiting_decision(meeting)) if may_run else [],
        "attendees_form": forms.get("attendees_form")
        or AttendeesForm(initial={"attendees": meeting.attendees}),
        "add_form": forms.get("add_form"),
        "decided": sum(1 for item in page.items if item.decision),
        "carried_out": sum(1 for item in page.items if item.carried_out_at),
        "template_note": forms.get("template_note", ""),
        "template_item": bound_item if forms.get("template_note") else None,
    }
    return render(request, "triage/meetings/meeting_detail.html", context, status=status)


@role_required(*COMMITTEE_ROLES)
def meeting_detail(request: AuthenticatedHttpRequest, meeting: str) -> HttpResponse:
    return _agenda_response(request, _meeting(meeting))


@require_POST
@role_required(*COMMITTEE_ROLES)
def agenda_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ideas onto a meeting's agenda, from the meeting's page or ticked on the dashboard (which
    names no meeting: the next page asks which one)."""
    _coordinator_only(request)
    form = AgendaAddForm(request.POST)
    valid = form.is_valid()
    if "meeting" not in request.POST:
        if not valid:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect("triage:dashboard")
        return render(
            request,
            "triage/meetings/agenda_choose.html",
            {"ideas": form.cleaned_data["ideas"], "meetings": meetings.planned_meetings()},
        )
    chosen = None
    if form.cleaned_data.get("meeting"):
        chosen = Meeting.objects.filter(public_id=form.cleaned_data["meeting"]).first()
    if chosen is None:
        messages.error(request, _("Choose a planned meeting."))
        return redirect("triage:meeting_list")
    if not valid:
        return _agenda_response(request, chosen, status=400, add_form=form)
    try:
        added = meetings.agenda_add(
            meeting=chosen, ideas=list(form.cleaned_data["ideas"]), actor=request.user
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("On the agenda: %(ideas)s") % {"ideas": ", ".join(i.idea.reference for i in added)}
            if added
            else _("Those ideas are on the agenda already."),
        )
    return redirect(chosen)


def _item(meeting: Meeting, public_id: str) -> AgendaItem:
    item = meeting.items.select_related("idea", "meeting").filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item


@require_POST
@role_required(*COMMITTEE_ROLES)
def item_decide(request: AuthenticatedHttpRequest, meeting: str, item: str) -> HttpResponse:
    _coordinator_only(request)
    found = _meeting(meeting)
    agenda_item = _item(found, item)
    suggestions = partner_suggestions_for_ideas([agenda_item.idea]).get(agenda_item.idea.pk, [])
    form = DecisionForm(
        request.POST,
        item=agenda_item,
        suggestions=top_suggestions(suggestions, AGENDA_SUGGESTIONS),
        partner_choices=list(Partner.objects.filter(is_active=True).values_list("pk", "name")),
        templates=active_templates(DECISION_TEMPLATE_KINDS),
    )
    if "use_template" in request.POST:
        return _with_template(request, found, agenda_item, form)
    if form.is_valid():
        partners = list(Partner.objects.filter(is_active=True, pk__in=form.partner_ids()))
        try:
            meetings.agenda_item_decide(
                item=agenda_item, decision=form.decision_for(partners), actor=request.user
            )
        except meetings.MeetingError as error:
            target = error.field if error.field in form.fields else None
            if error.field == "partners":
                target = "suggested" if form.fields["suggested"].choices else "other_partners"  # type: ignore[attr-defined]
            form.add_error(target, str(error))
        else:
            messages.success(
                request,
                _("The decision on %(reference)s is recorded.")
                % {"reference": agenda_item.idea.reference},
            )
            return redirect(found.get_absolute_url() + f"#item-{agenda_item.position}")
    return _agenda_response(request, found, status=400, bound=form, bound_item=agenda_item.pk)


def _with_template(
    request: AuthenticatedHttpRequest, meeting: Meeting, item: AgendaItem, sent: DecisionForm
) -> HttpResponse:
    """The agenda again with the item's form as typed and its message to the owner filled from
    the chosen template in the owner's language (a decision not chosen yet becomes the
    template's: decline or ask). Nothing is recorded."""
    prefix = sent.prefix
    initial: dict[str, object] = {
        name: request.POST.getlist(f"{prefix}-{name}")
        if name in ("suggested", "other_partners")
        else request.POST.get(f"{prefix}-{name}", "")
        for name in sent.fields
    }
    raw = request.POST.get(f"{prefix}-template", "")
    template = sent.templates.get(int(raw)) if is_pk(raw) else None
    if template is None:
        note = _("Choose a template, then “Use the template”.")
    else:
        filled = message_template_fill(template, item.idea)
        initial["message_to_owner"] = filled.text
        if not initial.get("decision"):
            initial["decision"] = TEMPLATE_DECISIONS[TemplateKind(template.kind)]
        note = (
            _(
                "“%(template)s” has no text in the owner's language (%(language)s): the Swedish "
                "text is filled in. Translate it, or write the message yourself, before you "
                "send it."
            )
            % {"template": template.title, "language": item.idea.get_language_display()}
            if filled.fell_back
            else _(
                "The message is filled in from “%(template)s” in the owner's language "
                "(%(language)s). Read it, change what you need and record the decision."
            )
            % {"template": template.title, "language": item.idea.get_language_display()}
        )
    form = DecisionForm(
        item=item,
        suggestions=sent.suggestions,
        partner_choices=sent.partner_choices,
        templates=list(sent.templates.values()),
        initial=initial,
    )
    return _agenda_response(request, meeting, bound=form, bound_item=item.pk, template_note=note)


@require_POST
@role_required(*COMMITTEE_ROLES)
def item_remove(request: AuthenticatedHttpRequest, meeting: str, item: str) -> HttpResponse:
    _coordinator_only(request)
    found = _meeting(meeting)
    agenda_item = _item(found, item)
    try:
        meetings.agenda_remove(item=agenda_item, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(reference)s is taken off the agenda.") % {"reference": agenda_item.idea.reference},
        )
    return redirect(found)


@require_POST
@role_required(*COMMITTEE_ROLES)
def meeting_attendees(request: AuthenticatedHttpRequest, meeting: str) -> HttpResponse:
    _coordinator_only(request)
    found = _meeting(meeting)
    form = AttendeesForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, found, status=400, attendees_form=form)
    meetings.meeting_attendees_save(
        meeting=found, attendees=form.cleaned_data["attendees"], actor=request.user
    )
    messages.success(request, _("The attendees are saved."))
    return redirect(found)


@require_POST
@role_required(*COMMITTEE_ROLES)
def meeting_carry_out(request: AuthenticatedHttpRequest, meeting: str) -> HttpResponse:
    """Carry out every decision of the meeting and say which were."""
    _coordinator_only(request)
    found = _meeting(meeting)
    report = meetings.meeting_carry_out(meeting=found, actor=request.user)
    if report.carried_out:
        messages.success(
            request,
            _("Carried out: %(ideas)s")
            % {"ideas": ", ".join(i.idea.reference for i in report.carried_out)},
        )
    else:
        messages.info(request, _("No decision was left to carry out."))
    for item, why in report.refused:
        messages.error(
            request,
            _("Not carried out: %(reference)s: %(why)s")
            % {"reference": item.idea.reference, "why": why},
        )
    if report.undecided:
        messages.warning(
            request,
            _("Without a decision: %(ideas)s. Decide, or take them off the agenda.")
            % {"ideas": ", ".join(i.idea.reference for i in report.undecided)},
        )
    return redirect(found)


@role_required(*COMMITTEE_ROLES)
def meeting_minutes(request: AuthenticatedHttpRequest, meeting: str) -> HttpResponse:
    found = _meeting(meeting)
    items = meetings.meeting_items(found)
    return render(
        request,
        "triage/meetings/meeting_minutes.html",
        {
            "meeting": found,
            "items": [(item, meetings.decision_summary(item)) for item in items],
        },
    )


@role_required(*COMMITTEE_ROLES)
def meeting_minutes_txt(request: AuthenticatedHttpRequest, meeting: str) -> HttpResponse:
    """The minutes as a text file, in the portal's language (Swedish) whoever downloads it."""
    found = _meeting(meeting)
    items = meetings.meeting_items(found)
    with translation.override(settings.LANGUAGE_CODE):
        text = meetings.minutes_text(found, items)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{found.date:%Y-%m-%d}.txt"'
    return response
