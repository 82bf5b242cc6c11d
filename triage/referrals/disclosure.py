"""What a partner may know of an idea's owner: one answer for every mail, page and export.

The partnership's main risk is that an idea from civil society is taken over; so nothing about
the submitter reaches a partner without the submitter's consent for that partner. "Blind first":

- "nothing" (the default): the partner learns the idea, its municipality and what is needed, and
  whose idea it is only as a kind of owner in a place ("an association in Lindesberg", "a
  resident in Lindesberg"). Not the organisation's name either: for a small association the
  name says who the people are, so it counts as a contact detail.
- "contact": the owner agreed, for this partner (on the form for the partners the committee
  picks, at the outreach intake, or on the tracking page; `triage.referrals.consent` keeps the
  records and `Referral.includes_contact_details` the decision in force), and the data is not
  erased: name, organisation, email and phone.

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
CONTACT = "contact"


def _kind_in_place(kind: str, place: str) -> str:
    """The owner without a name: a kind of owner and where, in the active language."""
    if not place:
        place = _("Örebro County")
    if kind == OrganisationKind.ASSOCIATION:
        return _("an association in %(place)s") % {"place": place}
    if kind == OrganisationKind.LOCAL_DEVELOPMENT_GROUP:
        return _("a local development group in %(place)s") % {"place": place}
    if kind == OrganisationKind.PUBLIC_SECTOR:
        return _("a public body in %(place)s") % {"place": place}
    if kind == OrganisationKind.COMPANY:
        return _("a company or social enterprise in %(place)s") % {"place": place}
    return _("a resident in %(place)s") % {"place": place}


@dataclass(frozen=True)
class OwnerDisclosure:
    level: str
    name: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    erased: bool = False
    # Blind: the kind of owner (an OrganisationKind value) and the municipality's name ("" for
    # the whole county); the display puts them in words.
    kind: str = ""
    place: str = ""

    @property
    def shares_contact(self) -> bool:
        return self.level == CONTACT

    @property
    def display(self) -> str:
        """Whose idea it is, in one line, in the language active when it is rendered."""
        if self.level == CONTACT:
            if self.name and self.organisation:
                return f"{self.name} ({self.organisation})"
            return self.name or self.organisation or _kind_in_place(self.kind, self.place)
        if self.erased:
            return _("a resident (their details have been erased)")
        return _kind_in_place(self.kind, self.place)

    def __str__(self) -> str:
        return self.display


def what_partner_may_know(referral: Referral) -> OwnerDisclosure:
    """What the partner of `referral` may learn of the idea's owner, from the owner's consent
    for that partner."""
    idea = referral.idea
    if idea.anonymised_at is not None:
        return OwnerDisclosure(level=NOTHING, erased=True)
    municipality = idea.municipality
    place = "" if municipality.is_whole_county else municipality.name
    kind = idea.organisation_kind
    if referral.includes_contact_details:
        return OwnerDisclosure(
            level=CONTACT,
            name=idea.submitter_name,
            organisation=idea.organisation_name,
            email=idea.submitter_email,
            phone=idea.submitter_phone,
            kind=kind,
            place=place,
        )
    return OwnerDisclosure(level=NOTHING, kind=kind, place=place)
