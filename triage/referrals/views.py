"""The partner's side of a referral: the public answer page behind a signed link, and the pages
of a logged-in partner contact. GET only shows; every change is a POST with a CSRF token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.models import PartnerContact
from portal.domain import DomainError
from portal.roles import AuthenticatedHttpRequest, Role, role_required
from triage.referrals import selectors
from triage.referrals.answers import (
    AnswerLinkError,
    AnswerLinkUsed,
    answer_link_resolve,
    referral_answer,
    support_report,
)
from triage.referrals.consent_forms import PartnerMessageForm
from triage.referrals.disclosure import what_partner_may_know
from triage.referrals.forms import SupportReportForm, answer_forms
from triage.referrals.models import AnswerKind, Referral
from triage.referrals.workflow import AT_WORK, AWAITING_ANSWER, OPEN_STATES

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrPromise

# Keyed by AnswerKind, looked up with what the form or the query string sent.
THANKS: dict[str, StrPromise] = {
    AnswerKind.ACCEPT: gettext_lazy(
        "Thank you for accepting. The committee has been told, and we ask the idea's owner "
        "whether you may have their name and contact details. Until then, write to the owner "
        "on the referral's page."
    ),
    AnswerKind.DECLINE: gettext_lazy(
        "Thank you for your answer. The committee has been told and will look for another way "
        "for the idea."
    ),
    AnswerKind.QUESTION: gettext_lazy(
        "Thank you for your question. The committee will answer you by email, and we have sent "
        "you a new link to answer the referral with later."
    ),
}


def _invalid_link(request: HttpRequest, error: AnswerLinkError) -> HttpResponse:
    return render(
        request,
        "triage/referral_answer_invalid.html",
        {"message": error.message, "coordinator_email": settings.COORDINATOR_EMAIL},
        status=error.status,
    )


def _answer_from_post(
    request: HttpRequest,
    forms: dict[str, Form],
    *,
    referral: Referral,
    contact: PartnerContact | None,
    user: User | None,
    expected_answers: int | None = None,
) -> tuple[str | None, str | None]:
    """Validate the pressed form and record the answer; return the kind, or None on errors."""
    kind = request.POST.get("answer", "")
    form = forms.get(kind)
    if form is None:
        return None, _("Choose whether you accept, decline or ask a question.")
    if not form.is_valid():
        return None, None
    try:
        referral_answer(
            referral=referral,
            kind=kind,
            text=form.cleaned_data["text"],
            contact=contact,
            user=user,
            expected_answers=expected_answers,
            reason_for_owner=form.cleaned_data.get("reason_for_owner", ""),
        )
    except AnswerLinkUsed:
        raise  # the page of links that do not work says so (referral_answer_page)
    except DomainError as error:
        form.add_error(None, str(error))
        return None, None
    return kind, None


@require_http_methods(["GET", "POST"])
def referral_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: show the referral behind a signed link; the answer is recorded on POST only."""
    try:
        link = answer_link_resolve(token)
    except AnswerLinkError as error:
        return _invalid_link(request, error)
    forms = answer_forms(request.POST if request.method == "POST" else None)
    problem = None
    if request.method == "POST":
        try:
            kind, problem = _answer_from_post(
                request,
                forms,
                referral=link.referral,
                contact=link.contact,
                user=None,
                expected_answers=link.answers,
            )
        except AnswerLinkUsed as error:
            return _invalid_link(request, error)
        if kind:
            return redirect(f"{reverse('partner_portal:answered')}?answer={kind}")
    return render(
        request,
        "triage/referral_answer.html",
        {
            "referral": link.referral,
            "idea": link.referral.idea,
            "contact": link.contact,
            "owner": what_partner_may_know(link.referral),
            "forms": forms,
            "problem": problem,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def referral_answered(request: HttpRequest) -> HttpResponse:
    """Public: the thank-you page after an answer by link; it shows no data of the referral."""
    return render(
        request,
        "triage/referral_answered.html",
        {"thanks": THANKS.get(request.GET.get("answer", ""), "")},
    )


@role_required(Role.PARTNER_CONTACT)
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contact = selectors.partner_contact_of(request.user)
    referrals = list(selectors.referrals_for_contact(contact))
    for referral in referrals:  # whose idea it is, as far as the owner allowed
        # A page's attribute, read by the list's template; not a field of the model.
        referral.owner = what_partner_may_know(referral)  # type: ignore[attr-defined]
    return render(
        request,
        "triage/partner_referral_list.html",
        {
            "contact": contact,
            "referrals": referrals,
        },
    )


def _own_referral(
    request: AuthenticatedHttpRequest, pk: int
) -> tuple[PartnerContact | None, Referral]:
    contact = selectors.partner_contact_of(request.user)
    referral = selectors.referral_for_contact(contact, pk)
    if referral is None:
        raise Http404
    return contact, referral


def _detail_page(
    request: AuthenticatedHttpRequest,
    contact: PartnerContact | None,
    referral: Referral,
    *,
    forms: dict[str, Form] | None = None,
    support_form: SupportReportForm | None = None,
    message_form: PartnerMessageForm | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "triage/partner_referral_detail.html",
        {
            "contact": contact,
            "referral": referral,
            "idea": referral.idea,
            "owner": what_partner_may_know(referral),
            "forms": (forms or answer_forms()) if referral.state in AWAITING_ANSWER else None,
            "support_form": (support_form or SupportReportForm())
            if referral.state in AT_WORK
            else None,
            # Until the owner says yes, partner and owner talk through the portal.
            "relayed": referral.relayed_messages.all(),
            "message_form": (message_form or PartnerMessageForm(prefix="owner-message"))
            if referral.state in OPEN_STATES
            else None,
            "problem": problem,
        },
        status=status,
    )


@role_required(Role.PARTNER_CONTACT)
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact, referral = _own_referral(request, pk)
    return _detail_page(request, contact, referral)


@require_POST
@role_required(Role.PARTNER_CONTACT)
def referral_answer_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact, referral = _own_referral(request, pk)
    forms = answer_forms(request.POST)
    kind, problem = _answer_from_post(
        request, forms, referral=referral, contact=contact, user=request.user
    )
    if kind:
        messages.success(
            request,
            THANKS[kind]
            if kind != AnswerKind.QUESTION
            else _("Thank you for your question. The committee will answer you by email."),
        )
        return redirect("partner_portal:referral_detail", pk=referral.pk)
    return _detail_page(request, contact, referral, forms=forms, problem=problem, status=400)


@require_POST
@role_required(Role.PARTNER_CONTACT)
def referral_support(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact, referral = _own_referral(request, pk)
    form = SupportReportForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            support_report(
                referral=referral,
                user=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                progress=form.cleaned_data["progress"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
            problem = str(error)
        else:
            messages.success(
                request, _("Thank you. Your report has been saved and the committee has been told.")
            )
            return redirect("partner_portal:referral_detail", pk=referral.pk)
    return _detail_page(request, contact, referral, support_form=form, problem=problem, status=400)
