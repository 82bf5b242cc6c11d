"""Two-factor login (TOTP with backup codes) for the committee, the coordinator and admins.

Required when STAFF_2FA_REQUIRED is on (the default with debug off). A code is accepted once:
django-otp keeps the last time step used and deletes a backup code when it is used.
"""
import secrets

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import COMMITTEE_ROLES, has_role

BACKUP_CODE_COUNT = 10
SESSION_NEW_CODES = "portal.two_factor.new_codes"


def two_factor_needed(user) -> bool:
    """Tell whether this user must pass a second factor before seeing staff pages."""
    return settings.STAFF_2FA_REQUIRED and has_role(user, *COMMITTEE_ROLES)


def totp_device_for_setup(user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating it on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def backup_codes_renew(user) -> list[str]:
    """Replace the user's backup codes with new ones and return them (shown only once)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup",
                                                           defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=16,
        help_text=gettext_lazy("The six digits from your authenticator app, or a backup code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("That code is wrong or has already been used."))
    return render(request, "registration/two_factor_verify.html",
                  {"form": form, "next": _next_url(request)})


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    device = totp_device_for_setup(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[SESSION_NEW_CODES] = backup_codes_renew(request.user)
            return redirect(f"{reverse('two_factor_backup_codes')}?next={_next_url(request)}")
        form.add_error("code", _("That code is wrong. Check the time on your phone and try again."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000",
                                                                  light="#fff")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "registration/two_factor_setup.html",
                  {"form": form, "qr_svg": qr_svg, "secret": secret, "next": _next_url(request)})


@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.user.is_verified():
        request.session[SESSION_NEW_CODES] = backup_codes_renew(request.user)
        return redirect(reverse("two_factor_backup_codes"))
    codes = request.session.pop(SESSION_NEW_CODES, None)
    return render(request, "registration/two_factor_backup_codes.html",
                  {"codes": codes, "next": _next_url(request)})


urlpatterns = [
    path("accounts/2fa/", verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", setup, name="two_factor_setup"),
    path("accounts/2fa/backup-codes/", backup_codes, name="two_factor_backup_codes"),
]
