"""The one base class of the portal's domain errors: a refusal with a message for the person.

A service raises a subclass (IdeaError, ReviewError, ReferralMoveNotAllowed, ...) with a message
that is ready to show, translated or lazy; a view catches DomainError and shows `message` the
way it shows any error there (a form error or a message). A database error that a person must
hear about (two coordinators referring at once) is turned into one by the service.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A change or request the portal refuses; `message` says why, in the person's words."""

    default_message: str | Promise = _("This cannot be done.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = self.default_message if message is None else message
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)
