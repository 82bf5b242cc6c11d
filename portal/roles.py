"""The staff roles, kept as Django groups, and the checks views use to enforce them."""
from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class Role(StrEnum):
    COMMITTEE_MEMBER = "committee_member"
    COORDINATOR = "coordinator"
    OUTREACH_STAFF = "outreach_staff"
    ADMINISTRATOR = "administrator"
    PARTNER_CONTACT = "partner_contact"


# Who may read the committee's pages: the coordinator chairs the committee.
COMMITTEE_ROLES = (Role.COMMITTEE_MEMBER, Role.COORDINATOR, Role.ADMINISTRATOR)


def user_roles(user) -> set[Role]:
    """Return the roles of a user; a superuser holds every role."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role)
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        user._portal_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    """Tell whether the user holds at least one of the roles."""
    return bool(user_roles(user) & set(roles))


def role_required(*roles: Role) -> Callable:
    """Let through logged-in users holding one of the roles; others get 403, anonymous a login."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles
        return login_required(wrapped)

    return decorator
