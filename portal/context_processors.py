from django.conf import settings
from django.http import HttpRequest

from portal.roles import COMMITTEE_ROLES, Role, has_role


def portal(request: HttpRequest) -> dict:
    """Put the user's staff roles and the site URL into every template."""
    user = request.user
    return {
        "SITE_URL": settings.SITE_URL,
        "is_committee": has_role(user, *COMMITTEE_ROLES),
        "is_coordinator": has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR),
    }
