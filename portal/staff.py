"""Who on the staff is told of what, and in which language their notices are written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model

from portal.languages import staff_page_language
from portal.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def staff_language(user: User | None = None) -> str:
    """The language of a notice to a staff member: their preference if the account has one
    (a `language` attribute), the portal's default (Swedish) otherwise; never a language the
    staff's mails are not written in (portal.languages.staff_page_language)."""
    language = getattr(user, "language", "") if user is not None else ""
    codes = {code for code, _name in settings.LANGUAGES}
    return staff_page_language(language) if language in codes else settings.LANGUAGE_CODE


def coordinator_recipients() -> list[str]:
    """The coordinator's address (COORDINATOR_EMAIL) and every active coordinator's own email."""
    emails = [settings.COORDINATOR_EMAIL] if settings.COORDINATOR_EMAIL else []
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COORDINATOR.value)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    for email in users:
        if email.lower() not in {known.lower() for known in emails}:
            emails.append(email)
    return emails
