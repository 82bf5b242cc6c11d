"""The coordinator's invitations of contact persons, and the page their link opens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import invitations
from partners.models import PartnerContact, PartnerInvitation
from portal.branding import branding
from portal.domain import DomainError
from portal.roles import COORDINATING, AuthenticatedHttpRequest, role_required
from portal.two_factor import two_factor_needed

# The start page of a partner contact (triage.referrals), after the second factor.
PARTNER_START = "partner_portal:referral_list"


@require_POST
@role_required(*COORDINATING)
def contact_invitation(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Send (or send again) a contact's invitation, or revoke it."""
    contact_id = request.POST.get("contact", "")
    if not contact_id.isdigit():
        raise Http404
    contact = get_object_or_404(
        PartnerContact.objects.select_related("partner", "user"), partner__slug=slug, pk=contact_id
    )
    action = request.POST.get("action")
    try:
        if action == "invite":
            invitation = invitations.invitation_send(contact=contact, actor=request.user)
            messages.success(
                request,
                _("An invitation is sent to %(email)s. The link works until %(date)s.")
                % {
                    "email": contact.email,
                    "date": formats.date_format(invitation.expires_at, "SHORT_DATE_FORMAT"),
                },
            )
        elif action == "revoke":
            invitations.invitation_revoke(contact=contact, actor=request.user)
            messages.success(
                request,
                _("%(name)s's invitation and login no longer work.") % {"name": contact.name},
            )
        else:
            messages.error(request, _("Choose whether to invite the contact or revoke it."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(contact.partner.get_absolute_url() + "#contacts-heading")


class InvitationPasswordForm(auth_forms.SetPasswordForm):
    """Django's new-password form (its validators, its errors on the fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)


def _closed_page(
    request: HttpRequest, error: DomainError, *, invitation: PartnerInvitation | None = None
) -> HttpResponse:
    """What to do when the link opens nothing: whom to ask, and for which organisation."""
    invitation = getattr(error, "invitation", invitation)
    return render(
        request,
        "partners/invitation_invalid.html",
        {
            "message": error.message,
            "reason": getattr(error, "reason", ""),
            "invitation": invitation,
            "partner": invitation.contact.partner if invitation else None,
            "coordinator_email": settings.COORDINATOR_EMAIL,
            "brand": branding(),
        },
        status=getattr(error, "status", 409),
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Set a password with the invitation's link, in the contact's language; then log in."""
    try:
        invitation = invitations.invitation_resolve(token)
    except invitations.InvitationClosed as error:
        with translation.override(invitations.invitation_language(error.invitation.contact)):
            request.LANGUAGE_CODE = translation.get_language()
            return _closed_page(request, error)
    except invitations.InvitationError as error:
        return _closed_page(request, error)
    with translation.override(invitations.invitation_language(invitation.contact)):
        request.LANGUAGE_CODE = translation.get_language()
        return _accept_page(request, invitation)


def _accept_page(request: HttpRequest, invitation: PartnerInvitation) -> HttpResponse:
    try:
        account = invitations.invitation_account(invitation)
    except DomainError as error:  # the address has a login for another organisation
        return _closed_page(request, error, invitation=invitation)
    form = InvitationPasswordForm(account, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except invitations.InvitationError as error:
            return _closed_page(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        start = reverse(PARTNER_START)
        if two_factor_needed(user):
            messages.success(
                request, _("Your password is saved. Now choose how you confirm it is you.")
            )
            return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': start})}")
        messages.success(request, _("Your password is saved. Welcome to Idélotsen."))
        return redirect(start)
    return render(
        request,
        "partners/invitation_accept.html",
        {"form": form, "invitation": invitation, "username": account.get_username()},
        status=400 if form.errors else 200,
    )
