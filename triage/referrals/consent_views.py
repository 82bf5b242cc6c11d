"""The owner's side of consent and of the conversation through the portal, on the tracking
page (its token is the only key; the referral is named by its public id and must be the
idea's), and the partner's message to the owner from its referral page. POST only, with a
CSRF token; the tracking page itself is `ideas.views.idea_track`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ideas.models import Idea
from ideas.views import _idea_or_404, _track_page, in_idea_language
from portal.domain import DomainError
from portal.roles import AuthenticatedHttpRequest, Role, role_required
from triage.referrals.consent import CONSENT_ANCHOR, consent_lines_for_owner, contact_consent_decide
from triage.referrals.consent_forms import OwnerReplyForm, PartnerMessageForm
from triage.referrals.models import ConsentDecision
from triage.referrals.relay import relay_to_owner, relay_to_partner
from triage.referrals.views import _detail_page, _own_referral

# The request's attribute with the owner's answer form that came back with an error.
BOUND_REPLY = "partner_consent_bound_reply"

DONE = {
    ConsentDecision.GIVEN: gettext_lazy(
        "Thank you. The partner gets your name and contact details and can contact you."
    ),
    ConsentDecision.REFUSED: gettext_lazy(
        "Thank you. The partner does not get your name or contact details; it writes to you "
        "through Idélotsen."
    ),
    ConsentDecision.WITHDRAWN: gettext_lazy(
        "You have taken back your consent. The partner is asked to delete your contact details."
    ),
}


def tracking_page_context(idea: Idea, request: HttpRequest) -> dict[str, Any]:
    """The partners the owner decides about and talks with, for the tracking page's include
    (filled into `ideas.hooks.tracking_page_context` by the triage app)."""
    bound = getattr(request, BOUND_REPLY, None)
    lines = consent_lines_for_owner(idea)
    for line in lines:
        if line.may_reply:
            prefix = f"reply-{line.public_id[:8]}"
            line.reply_form = (
                bound[1]
                if bound is not None and bound[0] == line.public_id
                else OwnerReplyForm(prefix=prefix)
            )
    return {"partner_consent": lines}


def _back(token: str) -> HttpResponse:
    return redirect(reverse("ideas:track", kwargs={"token": token}) + CONSENT_ANCHOR)


@in_idea_language
@require_POST
def owner_consent_post(request: HttpRequest, token: str, referral: UUID) -> HttpResponse:
    """The owner's yes, no or taking back for one partner (`referral`: its public id)."""
    idea = _idea_or_404(token, request)
    decision = request.POST.get("decision", "")
    try:
        contact_consent_decide(idea=idea, public_id=referral, decision=decision)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(DONE[ConsentDecision(decision)]))
    return _back(token)


@in_idea_language
@require_POST
def owner_reply_post(request: HttpRequest, token: str, referral: UUID) -> HttpResponse:
    """The owner's answer to a partner that wrote (`referral`: its public id); an error comes
    back on the tracking page beside the field, with the text kept."""
    idea = _idea_or_404(token, request)
    public_id = str(referral)
    line = next((li for li in consent_lines_for_owner(idea) if li.public_id == public_id), None)
    if line is None:
        raise Http404
    if not line.may_reply:
        messages.error(request, _("You can answer a partner here once it has written to you."))
        return _back(token)
    form = OwnerReplyForm(request.POST, prefix=f"reply-{public_id[:8]}")
    if form.is_valid():
        try:
            relay_to_partner(idea=idea, public_id=public_id, text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error("text", str(error))
        else:
            messages.success(
                request, _("Your answer has been sent to the partner, without your address.")
            )
            return _back(token)
    setattr(request, BOUND_REPLY, (public_id, form))
    return _track_page(request, idea, token, status=400)


@require_POST
@role_required(Role.PARTNER_CONTACT)
def partner_message_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A partner's message to the idea's owner from its referral page."""
    contact, referral = _own_referral(request, pk)
    form = PartnerMessageForm(request.POST, prefix="owner-message")
    if form.is_valid():
        try:
            relay_to_owner(referral=referral, text=form.cleaned_data["text"], contact=contact)
        except DomainError as error:
            form.add_error("text", str(error))
        else:
            messages.success(
                request,
                _("Your message has been passed on to the idea's owner, without your address."),
            )
            return redirect("partner_portal:referral_detail", pk=referral.pk)
    return _detail_page(request, contact, referral, message_form=form, status=400)
