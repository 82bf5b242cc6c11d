"""The matching's ranked partners for an idea, as the committee's pages and forms use them."""

from ideas.models import Idea
from partners.matching import PartnerProfile
from triage.referrals.registry_activity import Suggestion, suggestions_for_idea

# How many of the ranked partner suggestions count as "matched to" an organisation.
TOP_SUGGESTIONS = 5


# Where an idea object keeps its ranked partners once they are computed.
_MEMO = "_partner_suggestions"


def partner_suggestions(idea: Idea) -> list[Suggestion]:
    """Every active partner ranked for the idea, with its reasons.

    Computed once per idea object: a request loads its idea once, and its view, its forms, the
    page and the referral's mails all ask for the same ranking. An idea loaded again (the next
    request) is ranked again, so a change of partners or weights shows at once.
    """
    ranked = idea.__dict__.get(_MEMO)
    if ranked is None:
        ranked = idea.__dict__[_MEMO] = list(suggestions_for_idea(idea))
    return list(ranked)


def suggested_partner(suggestion: Suggestion) -> PartnerProfile:
    """The partner of a suggestion (the matcher's light partner profile)."""
    return suggestion.partner


def suggested_partner_id(suggestion: Suggestion) -> int:
    return suggestion.partner.id


def top_suggestions(
    suggestions: list[Suggestion] | None, limit: int = TOP_SUGGESTIONS
) -> list[Suggestion]:
    """The best-ranked suggestions that earned any points at all."""
    return [s for s in (suggestions or []) if s.percent > 0][:limit]
