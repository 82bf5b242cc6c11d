"""Login lockout: django-axes per user name and address, plus a limit per account.

Axes locks a user name from one address after AXES_FAILURE_LIMIT failures. It applies one
limit to every lockout parameter, so the account-wide limit (LOGIN_ACCOUNT_FAILURE_LIMIT
failures from any addresses) is added here, counted from the same attempt rows and ending with
them, AXES_COOLOFF_TIME after the last failure.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def account_failures(username: str) -> int:
    """Failed logins for this user name from any address within the lockout window."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def account_locked(username: str) -> bool:
    """Tell whether the account is locked from every address."""
    return bool(username) and account_failures(username) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT


def login_lock_lift(*, username: str) -> int:
    """Forget the failed logins of a user name, e.g. after its owner reset the password."""
    return reset(username=username)


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler that also locks an account guessed at from many addresses."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or account_locked(
            get_client_username(request, credentials)
        )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out login gets: how long the lock lasts and how to lift it."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
