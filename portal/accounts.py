"""Password reset by email and password change, on Django's auth views.

The reset mail goes through the outbox like every other mail. The reset page answers the same
whether or not the address belongs to an account, and sends at most PASSWORD_RESET_RATE mails
per address asked for (and PASSWORD_RESET_IP_RATE requests per visitor's address).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone, translation
from django_ratelimit.core import get_usage

from portal.lockout import login_lock_lift
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from portal.two_factor import second_factor_required

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)
RATE_GROUP = "portal.accounts.password_reset"


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def password_changed_notify(*, user: User, language: str) -> None:
    """Tell the owner of an account that its password was changed."""
    if not user.email:
        return
    message_enqueue(
        kind=MessageKind.NOTICE,
        recipient=user.email,
        template="password_changed",
        context={
            "name": user.get_full_name() or user.get_username(),
            "when": timezone.now(),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
        },
        language=language,
        idempotency_key=f"password-changed:{user.pk}:{user.password[-24:]}",
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, mailing through the outbox so the committee sees the mail's state."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        reset_path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=to_email,
            template="password_reset",
            context={
                "name": user.get_full_name() or user.get_username(),
                "username": user.get_username(),
                "reset_url": settings.SITE_URL + reset_path,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            language=_language(),
            idempotency_key=f"password-reset:{context['uid']}:{uuid.uuid4().hex}",
        )


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


def _rate_exceeded(request: HttpRequest) -> bool:
    """Count this request against the address asked for and the visitor's address."""
    limits = [(_email_key, settings.PASSWORD_RESET_RATE), ("ip", settings.PASSWORD_RESET_IP_RATE)]
    exceeded = False
    for key, rate in limits:
        usage = get_usage(
            request, group=RATE_GROUP, key=key, rate=rate, method="POST", increment=True
        )
        exceeded = exceeded or (usage is not None and usage["should_limit"])
    return exceeded


class ErrorSummaryTakesFocus:
    """Django's account forms put `autofocus` on their first field; once a form comes back with
    errors, the error summary takes the focus instead (one autofocus on a page)."""

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        if form.is_bound:
            for field in form.fields.values():
                field.widget.attrs.pop("autofocus", None)
        return form


class LoginView(ErrorSummaryTakesFocus, auth_views.LoginView):
    pass


class PasswordResetView(ErrorSummaryTakesFocus, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        if _rate_exceeded(self.request):
            # The same page as a sent mail: the visitor learns nothing about the address.
            logger.warning("Password reset rate limit reached; no mail sent")
            return HttpResponseRedirect(self.get_success_url())
        with transaction.atomic():
            return super().form_valid(form)


class PasswordResetConfirmView(ErrorSummaryTakesFocus, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: auth_forms.SetPasswordForm[User]) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            login_lock_lift(username=form.user.get_username())
            password_changed_notify(user=form.user, language=_language())
        return response


class PasswordChangeView(ErrorSummaryTakesFocus, auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed_notify(user=form.user, language=_language())
        return response


urlpatterns = [
    path("accounts/password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        second_factor_required(PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        second_factor_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
]
