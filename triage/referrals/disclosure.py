"""What a partner may know of an idea's owner: one answer for every mail, page and export.

The partnership's main risk is that an idea from civil society is taken over; so nothing about
the submitter reaches a partner without the submitter's consent. The three levels:

- "contact": the submitter agreed to share contact details with partners, the referral was
  sent with them, and the data is not erased: name, organisation, email and phone.
- "organisation": an association, local development group, public body or company with a name:
  that name (it is the organisation's, not a private person's), nothing else.
- "nothing": a private person without consent, or erased data.

Every referral mail, reminder, escalation, partner answer page and partner page calls
`what_partner_may_know`; templates get the `OwnerDisclosure`, never the Idea's personal fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ideas.models import OrganisationKind

if TYPE_CHECKING:
    from triage.referrals.models import Referral

NOTHING = "nothing"
ORGANISATION = "organisation"
CONTACT = "contact"


@dataclass(frozen=True)
class OwnerDisclosure:
    level: str
    name: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    erased: bool = False

    @property
    def shares_contact(self) -> bool:
        return self.level == CONTACT

    @property
    def display(self) -> str:
        """Whose idea it is, in one line, in the language active when it is rendered."""
        if self.level == CONTACT:
            if self.name and self.organisation:
                return f"{self.name} ({self.organisation})"
            return self.name or self.organisation or _("a resident")
        if self.level == ORGANISATION:
            return self.organisation
        if self.erased:
            return _("a resident (their details have been erased)")
        return _("a resident who has not agreed to share their name")

    def __str__(self) -> str:
        return self.display


def what_partner_may_know(referral: Referral) -> OwnerDisclosure:
    """What the partner of `referral` may learn of the idea's owner, from the owner's consent."""
    idea = referral.idea
    if idea.anonymised_at is not None:
        return OwnerDisclosure(level=NOTHING, erased=True)
    is_organisation = idea.organisation_kind != OrganisationKind.PRIVATE_PERSON
    organisation = idea.organisation_name if is_organisation else ""
    if referral.includes_contact_details and idea.share_contact_with_partners:
        return OwnerDisclosure(
            level=CONTACT,
            name=idea.submitter_name,
            organisation=idea.organisation_name,
            email=idea.submitter_email,
            phone=idea.submitter_phone,
        )
    if organisation:
        return OwnerDisclosure(level=ORGANISATION, organisation=organisation)
    return OwnerDisclosure(level=NOTHING)
