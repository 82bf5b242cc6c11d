"""The matching's ranked partners for an idea, as the committee's pages and forms use them."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from ideas.models import Idea
from partners.matching import PartnerProfile, rank_partners
from partners.models import Partner
from partners.selectors import idea_profile, matching_weights, partner_profiles
from portal.sql import column, fetch, placeholders, table
from triage.referrals.models import Referral
from triage.referrals.registry_activity import (
    Suggestion,
    open_referrals_and_referred,
    suggestions_for_idea,
)
from triage.referrals.workflow import ReferralState

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


def partner_suggestions_for_ideas(ideas: Sequence[Idea]) -> dict[int, list[Suggestion]]:
    """Every active partner ranked for each of the ideas (by idea id), in a fixed number of
    queries whatever the number of ideas: the same ranking `partner_suggestions` gives each.

    The registry is read once for all of them (the links of every theme and kind of support
    the ideas have, every municipality), the partners' load once, and the answers to earlier
    ideas sharing a theme (with the recent declines among them) in one query grouped by idea
    and partner. Needs each idea's themes and kinds of support prefetched and its municipality
    selected (the agenda does).
    """
    if not ideas:
        return {}
    profiles = {idea.pk: idea_profile(idea) for idea in ideas}
    all_themes = frozenset().union(*(p.themes for p in profiles.values()))
    all_supports = frozenset().union(*(p.support_wanted for p in profiles.values()))
    first = next(iter(profiles.values()))
    # A county-wide profile with every theme and kind of support: each partner's links as far
    # as any of the ideas can use them (more links than one idea shares never change a score).
    registry = partner_profiles(
        replace(first, themes=all_themes, support_wanted=all_supports, is_whole_county=True)
    )
    languages = dict(
        fetch(
            f"SELECT {connection.ops.quote_name('id')}, "  # noqa: S608
            f"CAST({column(Partner, 'languages')} AS TEXT) FROM {table(Partner)} "
            f"WHERE {column(Partner, 'is_active')} = %s",
            [True],
        )
    )
    open_counts, _none_referred = open_referrals_and_referred(None)
    ids = sorted(profiles)
    referred: dict[int, set[int]] = {}
    for idea_id, partner_id in Referral.objects.filter(idea_id__in=ids).values_list(
        "idea_id", "partner_id"
    ):
        referred.setdefault(idea_id, set()).add(partner_id)
    answers = _similar_answers_by_idea(ids, decline_window_days=first.decline_window_days)
    weights = matching_weights()
    ranked: dict[int, list[Suggestion]] = {}
    for idea_id, profile in profiles.items():
        quoted_language = f'"{profile.language}"'
        by_partner = answers.get(idea_id, {})
        partners = [
            replace(
                partner,
                languages=(profile.language,)
                if quoted_language in (languages.get(partner.id) or "")
                else (),
                open_referrals=open_counts.get(partner.id, 0),
                similar_accepted=by_partner.get(partner.id, NO_ANSWERS)[0],
                similar_answered=by_partner.get(partner.id, NO_ANSWERS)[1],
                recent_declines=by_partner.get(partner.id, NO_ANSWERS)[2],
            )
            for partner in registry
        ]
        matches = rank_partners(profile, partners, weights)
        for match in matches:
            if match.partner.id in referred.get(idea_id, ()):
                match.already_referred = True
        ranked[idea_id] = matches
    return ranked


# (accepted, answered, declined lately) for a partner with no answers about similar ideas.
NO_ANSWERS = (0, 0, 0)


def _similar_answers_by_idea(
    idea_ids: list[int], *, decline_window_days: int
) -> dict[int, dict[int, tuple[int, int, int]]]:
    """For each idea, how each partner answered earlier ideas sharing a theme with it,
    (accepted, answered, declined within the last `decline_window_days` days), its answers
    about the idea itself left out: `similar_answers` for many ideas in one query."""
    referral, partner, idea = table(Referral), column(Referral, "partner"), column(Referral, "idea")
    state, through = column(Referral, "state"), Idea.themes.through
    answered_at = column(Referral, "answered_at")
    link_idea, link_theme = column(through, "idea"), column(through, "theme")
    accepted_states = sorted(str(s) for s in Referral.ACCEPTED_STATES)
    answered_states = sorted(str(s) for s in Referral.ANSWERED_STATES)
    since = timezone.now() - timedelta(days=decline_window_days)
    pk = connection.ops.quote_name("id")
    rows = fetch(
        f"SELECT wanted.{link_idea}, r.{partner}, "  # noqa: S608
        f"COUNT(DISTINCT CASE WHEN r.{state} IN ({placeholders(accepted_states)}) "
        f"THEN r.{pk} END), "
        f"COUNT(DISTINCT r.{pk}), "
        f"COUNT(DISTINCT CASE WHEN r.{state} = %s AND r.{answered_at} >= %s THEN r.{pk} END) "
        f"FROM {referral} r "
        f"JOIN {table(through)} earlier ON earlier.{link_idea} = r.{idea} "
        f"JOIN {table(through)} wanted ON wanted.{link_theme} = earlier.{link_theme} "
        f"WHERE r.{state} IN ({placeholders(answered_states)}) "
        f"AND wanted.{link_idea} IN ({placeholders(idea_ids)}) AND r.{idea} <> wanted.{link_idea} "
        f"GROUP BY wanted.{link_idea}, r.{partner}",
        [
            *accepted_states,
            str(ReferralState.DECLINED),
            # As the database keeps a datetime (SQLite compares text).
            connection.ops.adapt_datetimefield_value(since),
            *answered_states,
            *idea_ids,
        ],
    )
    found: dict[int, dict[int, tuple[int, int, int]]] = {}
    for idea_id, partner_id, accepted, answered, declined in rows:
        found.setdefault(idea_id, {})[partner_id] = (accepted, answered, declined)
    return found
