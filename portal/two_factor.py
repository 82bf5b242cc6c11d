"""Two-factor login for every staff account: TOTP, or a code by email, with backup codes.

Required when STAFF_2FA_REQUIRED is on (the default with debug off). A code is accepted once:
django-otp keeps the last time step used and deletes a backup code when it is used.

Setting up is open only to a user without a confirmed second factor. Replacing one needs the
current second factor (a verified session) or an administrator's reset; both are recorded in
the admin's history of the user and the user is told by mail. No GET writes to the database:
the secret of a pending authenticator lives in the session until a code from it is posted.
"""

from __future__ import annotations

import secrets
import uuid
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.middleware import is_verified
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import COMMITTEE_ROLES, AuthenticatedHttpRequest, Role, View, has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

BACKUP_CODE_COUNT = 10
SESSION_NEW_CODES = "portal.two_factor.new_codes"
SESSION_PENDING_KEY = "portal.two_factor.pending_key"
# Everybody who reads residents' names or contact details (ASVS level 2).
TWO_FACTOR_ROLES = (*COMMITTEE_ROLES, Role.OUTREACH_STAFF, Role.PARTNER_CONTACT)
# Who may choose a code by email instead of an app: not the committee, whose accounts open
# every idea; for them the mailbox would be a second way in beside the password reset.
EMAIL_CODE_ROLES = (Role.OUTREACH_STAFF, Role.PARTNER_CONTACT)
METHOD_TOTP = "totp"
METHOD_EMAIL = "email"


# --- Rules


def two_factor_needed(user: User | AnonymousUser) -> bool:
    """Tell whether this user must pass a second factor before seeing staff pages."""
    return settings.STAFF_2FA_REQUIRED and has_role(user, *TWO_FACTOR_ROLES)


def session_verified(user: User | AnonymousUser) -> bool:
    """Tell whether this session passed its second factor (django-otp's middleware marks it)."""
    return bool(is_verified(user))


def email_code_allowed(user: User) -> bool:
    """Tell whether this user may receive login codes by email instead of using an app."""
    return (
        bool(user.email)
        and has_role(user, *EMAIL_CODE_ROLES)
        and not has_role(user, *COMMITTEE_ROLES)
    )


def primary_devices(user: User) -> list[TOTPDevice | EmailDevice]:
    """The user's confirmed authenticators and email devices (backup codes not included)."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *EmailDevice.objects.filter(user=user, confirmed=True),
    ]


def setup_allowed(user: User) -> bool:
    """Setting up: for a user without a second factor, or one who has just passed it."""
    return not primary_devices(user) or session_verified(user)


# --- Writes


@transaction.atomic
def backup_codes_renew(user: User) -> list[str]:
    """Replace the user's backup codes with new ones and return them (shown only once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _notify_changed(*, user: User, language: str, by_administrator: bool) -> None:
    if not user.email:
        return
    message_enqueue(
        kind=MessageKind.NOTICE,
        recipient=user.email,
        template="two_factor_changed",
        context={
            "name": user.get_full_name() or user.get_username(),
            "by_administrator": by_administrator,
            "when": timezone.now(),
        },
        language=language,
        idempotency_key=f"two-factor-changed:{user.pk}:{uuid.uuid4().hex}",
    )


def _record(*, actor: User, user: User, text: str) -> None:
    """Write the change into the admin's history of the user (who and when)."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=get_user_model().objects.filter(pk=user.pk),
        action_flag=CHANGE,
        change_message=text,
        single_object=True,
    )


@transaction.atomic
def second_factor_confirm(
    *, user: User, device: TOTPDevice | EmailDevice, language: str
) -> list[str] | None:
    """Make a device whose code was just verified the user's second factor.

    Any earlier authenticator or email device stops working. The first set-up returns new
    backup codes; a replacement keeps the backup codes, is recorded and mailed to the user.
    """
    replaced = primary_devices(user)  # the new device is not confirmed yet
    for old in replaced:
        old.delete()
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    EmailDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if replaced:
        _record(
            actor=user,
            user=user,
            text="Two-step login replaced by the user (verified with the old one).",
        )
        _notify_changed(user=user, language=language, by_administrator=False)
        return None
    if StaticToken.objects.filter(device__user=user).exists():
        return None
    return backup_codes_renew(user)


@transaction.atomic
def second_factor_reset(*, user: User, actor: User) -> None:
    """Remove every second factor of a user who lost theirs (an administrator's action).

    At the next login the user sets up a new one; the reset is recorded and mailed.
    """
    for model in (TOTPDevice, EmailDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    _record(actor=actor, user=user, text="Two-step login reset by an administrator.")
    _notify_changed(user=user, language=settings.LANGUAGE_CODE, by_administrator=True)


def email_code_send(*, device: EmailDevice, language: str) -> bool:
    """Make a new one-time code and mail it through the outbox; False during the cool-down."""
    allowed, _data = device.generate_is_allowed()
    if not allowed:
        return False
    validity = settings.OTP_EMAIL_TOKEN_VALIDITY
    with transaction.atomic():
        device.cooldown_set(commit=False)
        device.generate_token(valid_secs=validity, commit=True)
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=device.email or device.user.email,
            template="login_code",
            context={"code": device.token, "minutes": validity // 60},
            language=language,
            idempotency_key=f"login-code:{device.pk}:{uuid.uuid4().hex}",
        )
    return True


def pending_totp_key(request: AuthenticatedHttpRequest) -> str:
    """The secret of the authenticator being set up, kept in the session (never a row)."""
    pending = request.session.get(SESSION_PENDING_KEY)
    if not pending or pending.get("user") != request.user.pk:
        pending = {"user": request.user.pk, "key": default_key()}
        request.session[SESSION_PENDING_KEY] = pending
    key: str = pending["key"]
    return key


def _pending_totp_device(user: User, key: str) -> TOTPDevice:
    """The row that counts wrong codes for a pending authenticator: made on the first POST."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=False)
    if device.key != key:
        device.key = key
        device.save(update_fields=["key"])
    return device


# --- Views


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        required=False,
        help_text=gettext_lazy(
            "The six digits from your authenticator app or your email, or a backup code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code:
            raise forms.ValidationError(_("Type the code."))
        return code


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How do you want to confirm it is you?"),
        choices=[
            (METHOD_TOTP, gettext_lazy("With an authenticator app on my phone")),
            (METHOD_EMAIL, gettext_lazy("With a code sent to my email address")),
        ],
        widget=forms.RadioSelect,
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def second_factor_required(view: View) -> View:
    """Let through only a session that passed its second factor, when the user needs one."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if two_factor_needed(request.user) and not session_verified(request.user):
            return redirect(f"{reverse('two_factor_verify')}?next={quote(request.get_full_path())}")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    email_device = EmailDevice.objects.filter(user=request.user, confirmed=True).first()
    form = CodeForm()
    if request.method == "POST" and request.POST.get("action") == "send" and email_device:
        _send_and_tell(request, email_device)
    elif request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("code", _("That code is wrong or has already been used."))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request), "email_device": email_device},
    )


def _send_and_tell(request: AuthenticatedHttpRequest, device: EmailDevice) -> bool:
    if email_code_send(device=device, language=_language()):
        messages.success(
            request,
            _("We have sent a code to %(email)s. It works for %(minutes)d minutes.")
            % {
                "email": device.email or request.user.email,
                "minutes": settings.OTP_EMAIL_TOKEN_VALIDITY // 60,
            },
        )
        return True
    messages.error(
        request, _("A code was sent less than a minute ago. Wait a moment and ask for a new one.")
    )
    return False


@login_required
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not setup_allowed(user):
        return render(
            request,
            "registration/two_factor_setup_refused.html",
            {"next": _next_url(request)},
            status=403,
        )
    replacing = bool(primary_devices(user))
    context = {"next": _next_url(request), "replacing": replacing}
    method = request.POST.get("method") or request.GET.get("method")
    if email_code_allowed(user) and method not in (METHOD_TOTP, METHOD_EMAIL):
        return render(
            request,
            "registration/two_factor_choose.html",
            {**context, "method_form": MethodForm(initial={"method": METHOD_TOTP})},
        )
    if method == METHOD_EMAIL and email_code_allowed(user):
        return _setup_email(request, context)
    return _setup_totp(request, context, can_choose=email_code_allowed(user))


def _confirmed(request: AuthenticatedHttpRequest, device: TOTPDevice | EmailDevice) -> HttpResponse:
    request.session.pop(SESSION_PENDING_KEY, None)
    replacing = bool(primary_devices(request.user))
    codes = second_factor_confirm(user=request.user, device=device, language=_language())
    otp_login(request, device)
    if replacing:
        messages.success(
            request, _("Your two-step login is changed. We have sent you an email about it.")
        )
    if codes is None:
        return redirect(_next_url(request))
    request.session[SESSION_NEW_CODES] = codes
    return redirect(f"{reverse('two_factor_backup_codes')}?next={_next_url(request)}")


def _setup_totp(
    request: AuthenticatedHttpRequest, context: dict[str, Any], *, can_choose: bool
) -> HttpResponse:
    key = pending_totp_key(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _pending_totp_device(request.user, key)
        if device.verify_token(form.cleaned_data["code"]):
            return _confirmed(request, device)
        form.add_error("code", _("That code is wrong. Check the time on your phone and try again."))
    device = TOTPDevice(user=request.user, name="authenticator", key=key)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "registration/two_factor_setup.html",
        {**context, "form": form, "qr_svg": qr_svg, "secret": secret, "can_choose": can_choose},
    )


def _setup_email(request: AuthenticatedHttpRequest, context: dict[str, Any]) -> HttpResponse:
    user = request.user
    form = CodeForm()
    pending = EmailDevice.objects.filter(user=user, confirmed=False).first()
    if request.method == "POST" and request.POST.get("action") == "send":
        if pending is None:
            pending = EmailDevice.objects.create(user=user, name="email", confirmed=False)
        _send_and_tell(request, pending)
    elif request.method == "POST" and pending is not None:
        form = CodeForm(request.POST)
        if form.is_valid():
            if pending.verify_token(form.cleaned_data["code"]):
                return _confirmed(request, pending)
            form.add_error("code", _("That code is wrong or too old. Ask for a new one."))
    return render(
        request,
        "registration/two_factor_setup_email.html",
        {**context, "form": form, "sent": pending is not None, "email": user.email},
    )


@second_factor_required
def backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and session_verified(request.user):
        request.session[SESSION_NEW_CODES] = backup_codes_renew(request.user)
        return redirect(reverse("two_factor_backup_codes"))
    codes = request.session.pop(SESSION_NEW_CODES, None)
    return render(
        request,
        "registration/two_factor_backup_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


urlpatterns = [
    path("accounts/2fa/", verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", setup, name="two_factor_setup"),
    path("accounts/2fa/backup-codes/", backup_codes, name="two_factor_backup_codes"),
]
