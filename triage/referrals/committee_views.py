"""The committee's side of referrals, on the idea's page: refer the idea to partners, withdraw
a referral, answer a partner's question. A refused form shows the idea's page again."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.domain import DomainError
from portal.roles import COORDINATING, AuthenticatedHttpRequest, role_required
from triage.referrals.answers import referral_reply
from triage.referrals.forms import PartnerReplyForm, ReferForm, ReferralCancelForm
from triage.referrals.services import idea_refer, referral_cancel
from triage.referrals.suggestions import partner_suggestions
from triage.review.views import get_idea, idea_page, to_idea


@require_POST
@role_required(*COORDINATING)
def idea_refer_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    idea = get_idea(reference)
    form = ReferForm(request.POST, suggestions=partner_suggestions(idea))
    if form.is_valid():
        try:
            referrals = idea_refer(
                idea=idea,
                partners=list(form.cleaned_data["partners"]),
                note_to_partners=form.cleaned_data["note_to_partners"],
                message_to_owner=form.cleaned_data["message_to_owner"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Referred to %(partners)s.")
                % {"partners": ", ".join(r.partner.name for r in referrals)},
            )
            return redirect("triage:idea_detail", reference=idea.reference)
    return idea_page(request, idea, refer_form=form, status=400)


@require_POST
@role_required(*COORDINATING)
def referral_cancel_view(
    request: AuthenticatedHttpRequest, reference: str, pk: int
) -> HttpResponse:
    idea = get_idea(reference)
    referral = idea.referrals.filter(pk=pk).first()
    if referral is None:
        raise Http404
    form = ReferralCancelForm(request.POST, prefix=f"cancel-{referral.pk}")
    if form.is_valid():
        try:
            referral_cancel(
                referral=referral, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The referral to %(partner)s is withdrawn.") % {"partner": referral.partner.name},
            )
            return to_idea(idea, "referrals-heading")
    return idea_page(request, idea, cancel_form=form, status=400)


@require_POST
@role_required(*COORDINATING)
def referral_reply_view(request: AuthenticatedHttpRequest, reference: str, pk: int) -> HttpResponse:
    """The coordinator answers a partner's question: a mail to the partner through the outbox."""
    idea = get_idea(reference)
    referral = next((r for r in idea.referrals.all() if r.pk == pk), None)
    if referral is None:
        raise Http404
    form = PartnerReplyForm(request.POST, auto_id=f"reply-{referral.pk}-%s")
    if form.is_valid():
        try:
            referral_reply(referral=referral, text=form.cleaned_data["text"], actor=request.user)
        except DomainError as error:
            form.add_error("text", str(error))
        else:
            messages.success(
                request,
                _("Your answer is sent to %(partner)s.") % {"partner": referral.partner.name},
            )
            return to_idea(idea, "referrals-heading")
    return idea_page(request, idea, status=400, reply_form=form, reply_referral=referral.pk)
