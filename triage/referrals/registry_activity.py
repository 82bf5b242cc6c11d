"""What a partner's referrals add to the partner registry and to matching.

The referrals and the groups of their states live here, in triage; `partners` keeps the
registry and the pure matching and never imports triage. So its pages get the numbers from
`RegistryActivity`, which `TriageConfig.ready` sets as `partners.hooks.referral_activity`, and
matching gets each partner's load and past answers as plain data passed in to
`partners.selectors.partner_profiles`.

The two reads matching makes of the referrals (`open_referrals_and_referred`, `similar_answers`,
which also counts a partner's recent declines on the idea's themes) are plain SQL over the
referral table (`portal.sql`), like the registry's side of matching: they run on every idea
page, and the ORM's building of each grouped query took four to five times as long as running
it. The registry pages' reads stay on the ORM.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from partners.hooks import OpenReferral, PartnerStats, ReferralActivity
from partners.matching import IdeaProfile, Match, PartnerProfile, rank_partners
from partners.models import Partner
from partners.selectors import idea_profile, matching_weights, partner_profiles
from portal.cache import Mark
from portal.sql import column, fetch, placeholders, table
from triage.referrals.models import Referral, ReferralEvent
from triage.referrals.workflow import ReferralState

OPEN = Q(state__in=Referral.OPEN_STATES)
ANSWERED = Q(state__in=Referral.ANSWERED_STATES)
ACCEPTED = Q(state__in=Referral.ACCEPTED_STATES)

# What the committee's pages show: a ranked match, marked if the idea is already referred to it.
Suggestion = Match


class RegistryActivity(ReferralActivity):
    """A partner's load, answers and open referrals, for its registry pages."""

    def with_open_referrals(self, partners: QuerySet[Partner]) -> QuerySet[Partner]:
        open_states = Q(referrals__state__in=Referral.OPEN_STATES)
        return partners.annotate(open_referrals=Count("referrals", filter=open_states))

    def marks(self) -> list[Mark]:
        # Every change of state writes a ReferralEvent (services.referral_transition); a
        # referral deleted with its idea lowers the count.
        return [(Referral, "MAX", "id"), (Referral, "COUNT", "id"), (ReferralEvent, "MAX", "id")]

    def stats(self, partner: Partner) -> PartnerStats:
        """Count a partner's open, answered and accepted referrals in one query."""
        counts = Referral.objects.filter(partner=partner).aggregate(
            open=Count("pk", filter=OPEN),
            answered=Count("pk", filter=ANSWERED),
            accepted=Count("pk", filter=ACCEPTED),
        )
        return PartnerStats(
            open_referrals=counts["open"],
            capacity=partner.places,
            accepted=counts["accepted"],
            answered=counts["answered"],
        )

    def open_referrals(self, partner: Partner) -> list[OpenReferral]:
        """The partner's referrals still open, oldest first, each linked to its idea's page."""
        referrals = (
            Referral.objects.filter(partner=partner, state__in=Referral.OPEN_STATES)
            .select_related("idea", "idea__municipality")
            .order_by("created_at", "pk")
        )
        return [
            OpenReferral(
                reference=referral.idea.reference,
                title=referral.idea.title,
                municipality=str(referral.idea.municipality),
                state=referral.get_state_display(),
                sent_at=referral.created_at,
                url=reverse("triage:idea_detail", args=[referral.idea.reference]),
                language=referral.idea.language,
            )
            for referral in referrals
        ]


def _states(states: frozenset[str]) -> list[str]:
    """A group of referral states as query parameters, in a fixed order (the same SQL text)."""
    return sorted(str(state) for state in states)


def open_referrals_and_referred(idea_id: int | None) -> tuple[dict[int, int], set[int]]:
    """The referrals each partner still holds, and the partners the idea (idea_id) is
    already referred to, in one query grouped by partner."""
    referral, partner, idea = table(Referral), column(Referral, "partner"), column(Referral, "idea")
    state, open_states = column(Referral, "state"), _states(Referral.OPEN_STATES)
    is_open = f"{state} IN ({placeholders(open_states)})"
    rows = fetch(
        f"SELECT {partner}, COUNT(CASE WHEN {is_open} THEN 1 END), "  # noqa: S608
        f"COUNT(CASE WHEN {idea} = %s THEN 1 END) "
        f"FROM {referral} WHERE {is_open} OR {idea} = %s GROUP BY {partner}",
        [*open_states, idea_id, *open_states, idea_id],
    )
    open_counts: dict[int, int] = {}
    referred: set[int] = set()
    for partner_id, open_count, referred_here in rows:
        open_counts[partner_id] = open_count
        if referred_here:
            referred.add(partner_id)
    return open_counts, referred


def similar_answers(
    profile: IdeaProfile, *, idea_id: int | None = None
) -> dict[int, tuple[int, int, int]]:
    """How each partner answered earlier ideas sharing a theme with this one, (accepted,
    answered, declined within the last `profile.decline_window_days` days), in one query
    grouped by partner. Its answers about the idea itself (idea_id) do not count."""
    if not profile.themes:
        return {}
    referral, partner, idea = table(Referral), column(Referral, "partner"), column(Referral, "idea")
    state, idea_themes = column(Referral, "state"), Idea.themes.through
    answered_at = column(Referral, "answered_at")
    accepted_states = _states(Referral.ACCEPTED_STATES)
    answered_states = _states(Referral.ANSWERED_STATES)
    since = timezone.now() - timedelta(days=profile.decline_window_days)
    themes = sorted(profile.themes)
    # Whether a referral's idea shares a theme is asked per referral, in a scalar subquery
    # that looks up that idea's themes by its index, so the cost follows the answered
    # referrals and never the number of ideas. As `idea IN (SELECT ...)` (or EXISTS) the
    # planner makes a semi join of it; with statistics taken before the newest referrals (new
    # referrals are always on new ideas) it chose a merge join that read the themes of every
    # idea up to the newest: 11 ms instead of 0.3 at 100,000 ideas (make bench).
    shares_a_theme = (
        f"(SELECT COUNT(*) FROM {table(idea_themes)} "  # noqa: S608
        f"WHERE {column(idea_themes, 'idea')} = {referral}.{idea} "
        f"AND {column(idea_themes, 'theme')} IN ({placeholders(themes)})) > 0"
    )
    sql = (
        f"SELECT {partner}, "  # noqa: S608
        f"COUNT(CASE WHEN {state} IN ({placeholders(accepted_states)}) THEN 1 END), COUNT(*), "
        f"COUNT(CASE WHEN {state} = %s AND {answered_at} >= %s THEN 1 END) "
        f"FROM {referral} WHERE {state} IN ({placeholders(answered_states)}) "
        f"AND {shares_a_theme}"
    )
    params: list[object] = [
        *accepted_states,
        str(ReferralState.DECLINED),
        # As the database keeps a datetime (SQLite compares text).
        connection.ops.adapt_datetimefield_value(since),
        *answered_states,
        *themes,
    ]
    if idea_id is not None:
        sql += f" AND {idea} <> %s"
        params.append(idea_id)
    rows = fetch(f"{sql} GROUP BY {partner}", params)
    return {
        partner_id: (accepted, answered, declined)
        for partner_id, accepted, answered, declined in rows
    }


def partner_profiles_and_referred(
    profile: IdeaProfile, *, idea_id: int | None = None
) -> tuple[list[PartnerProfile], set[int]]:
    """Every active partner as matching sees it, its referrals counted, in four queries
    whatever their number; and the partners the idea (idea_id) is already referred to."""
    open_counts, referred = open_referrals_and_referred(idea_id)
    answers = similar_answers(profile, idea_id=idea_id)
    profiles = partner_profiles(
        profile,
        open_referrals=open_counts,
        similar_answers={
            pk: (accepted, answered) for pk, (accepted, answered, _) in answers.items()
        },
        recent_declines={pk: declined for pk, (_, _, declined) in answers.items() if declined},
    )
    return profiles, referred


def suggestions_for_idea(idea: Idea) -> list[Suggestion]:
    """Every active partner ranked for the idea, with reasons, each marked if the idea is
    already referred to it; a fixed number of queries."""
    profile = idea_profile(idea)
    profiles, referred = partner_profiles_and_referred(profile, idea_id=idea.pk)
    ranked = rank_partners(profile, profiles, matching_weights())
    for match in ranked:
        if match.partner.id in referred:
            match.already_referred = True
    return ranked
