"""The staff roles, kept as Django groups, the actors who are not users, and the checks views
use to enforce them.

Every service that changes a state takes an `actor` and asks `user_roles(actor)` what the actor
may do; no caller hands roles in. Besides users there are three kinds of actor: the idea's owner
acting from the tracking page (`RESIDENT`), the portal itself (`SYSTEM`: reminders, escalation,
an idea following its referrals) and a partner's contact answering through a signed link without
logging in (`PartnerLinkActor`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class Role(StrEnum):
    COMMITTEE_MEMBER = "committee_member"
    COORDINATOR = "coordinator"
    OUTREACH_STAFF = "outreach_staff"
    ADMINISTRATOR = "administrator"
    PARTNER_CONTACT = "partner_contact"


# Who may read the committee's pages: the coordinator chairs the committee.
COMMITTEE_ROLES = (Role.COMMITTEE_MEMBER, Role.COORDINATOR, Role.ADMINISTRATOR)
# Who moves ideas on, refers them, assigns reviewers and manages criteria, partners and weights.
COORDINATING = (Role.COORDINATOR, Role.ADMINISTRATOR)


# The roles of the actors that are not users: they sit in the workflow tables beside the
# staff roles, but no Django group carries them.
RESIDENT_ROLE = "resident"
SYSTEM_ROLE = "system"


class ResidentActor:
    """The idea's owner, acting from the private tracking page (not a user account)."""

    is_authenticated = False
    label = "resident"

    def __repr__(self) -> str:
        return "RESIDENT"


class SystemActor:
    """The portal itself: reminders, escalation, an idea following its referrals."""

    is_authenticated = False
    label = "system"

    def __repr__(self) -> str:
        return "SYSTEM"


@dataclass(frozen=True)
class PartnerLinkActor:
    """A partner's contact who answers through the signed link in a mail, not logged in."""

    contact_id: int
    name: str
    is_authenticated = False

    @property
    def label(self) -> str:
        return f"partner: {self.name}"[:60]


RESIDENT = ResidentActor()
SYSTEM = SystemActor()

# Whoever makes a change: a logged-in user, the idea's owner, the portal, a partner's link.
# A visitor who is not logged in is no actor: services never take one.
Actor: TypeAlias = "User | ResidentActor | SystemActor | PartnerLinkActor"
# Whom a role check may be asked about: an actor, or `request.user` before anyone logged in.
Someone: TypeAlias = "Actor | AnonymousUser | None"

# Where `user_roles` keeps a user's roles for the rest of the request.
_ROLES_CACHE = "_portal_roles"


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind `role_required` or `login_required`: a user is logged in."""

    user: User


def user_roles(actor: Someone) -> set[str]:
    """Return the roles of an actor; a superuser holds every staff role.

    `RESIDENT` has {"resident"}, `SYSTEM` {"system"}, a partner's signed link
    {"partner_contact"}; anonymous or inactive users have none.
    """
    if isinstance(actor, ResidentActor):
        return {RESIDENT_ROLE}
    if isinstance(actor, SystemActor):
        return {SYSTEM_ROLE}
    if isinstance(actor, PartnerLinkActor):
        return {Role.PARTNER_CONTACT}
    user = actor
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role)
    cached: set[str] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        setattr(user, _ROLES_CACHE, cached)
    return cached


def actor_user(actor: Actor | None) -> User | None:
    """The user account behind an actor, for the audit row's foreign key; None for the others."""
    if actor is None or isinstance(actor, ResidentActor | SystemActor | PartnerLinkActor):
        return None
    return actor


def actor_label(actor: Actor | None) -> str:
    """What the audit row says of an actor without a user account ("resident", "system")."""
    if isinstance(actor, ResidentActor | SystemActor | PartnerLinkActor):
        return actor.label
    return ""


# What the staff pages call the actors the audit rows record by code (see actor_label).
ACTOR_LABEL_DISPLAY = {
    "resident": _("the idea's owner"),
    "outreach": _("outreach staff"),
    "system": _("Idélotsen, automatic"),
}


def actor_display(user: User | None, label: str) -> str:
    """Name who made an audited change: the user's name, or the code said in the reader's words."""
    if user is not None:
        return user.get_username()
    return str(ACTOR_LABEL_DISPLAY.get(label, label))


def has_role(user: Someone, *roles: Role) -> bool:
    """Tell whether the user holds at least one of the roles."""
    return bool(user_roles(user) & set(roles))


View: TypeAlias = Callable[..., HttpResponseBase]
# The attribute of a view behind `role_required` that names its roles (for tests/test_access.py).
_REQUIRED_ROLES = "required_roles"


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let through logged-in users holding one of the roles; others get 403, anonymous a login.

    The view may take an `AuthenticatedHttpRequest`; the route walker reads `required_roles`.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(wrapped, _REQUIRED_ROLES, roles)
        return login_required(wrapped)

    return decorator
