"""Reads of the partner registry that carry rules, and the queries that feed matching.

Referrals live in `triage`, which depends on `partners`; so this module never imports triage
and reaches referrals through the reverse relation `Partner.referrals` instead.
"""
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Model, Q, QuerySet

from ideas.models import CIVIL_SOCIETY_KINDS, Idea
from partners.matching import IdeaProfile, Match, PartnerProfile, Weights, rank_partners
from partners.models import MatchingWeights, Partner, PartnerContact


def referral_model() -> type[Model]:
    """The referral model, found through the reverse relation so partners need not import it."""
    return Partner._meta.get_field("referrals").related_model


def referral_states(group: str) -> tuple[str, ...]:
    """A group of referral states ("OPEN_STATES", "ANSWERED_STATES", "ACCEPTED_STATES") as the
    referral table (triage.referrals.workflow) defines it, read from the referral model's
    attributes: the groups live once, in triage, which partners does not import."""
    return tuple(sorted(str(state) for state in getattr(referral_model(), group)))


def active_partners() -> QuerySet[Partner]:
    return Partner.objects.filter(is_active=True).order_by("name")


def referral_recipients(partner: Partner) -> QuerySet[PartnerContact]:
    """The contacts of a partner who receive referrals."""
    return partner.contacts.filter(receives_referrals=True).order_by("pk")


def partners_for_committee() -> QuerySet[Partner]:
    """Every partner, with its open referrals counted and its vocabulary prefetched."""
    return (
        Partner.objects.annotate(
            open_referrals=Count("referrals", filter=Q(
                referrals__state__in=referral_states("OPEN_STATES"))),
        )
        .prefetch_related("themes", "support_kinds", "municipalities")
        .order_by("name")
    )


@dataclass(frozen=True)
class PartnerStats:
    """A partner's load and how it has answered referrals."""

    open_referrals: int
    capacity: int
    accepted: int
    answered: int

    @property
    def acceptance_rate(self) -> int | None:
        """Accepted referrals as a percentage of answered ones; None before the first answer."""
        return round(100 * self.accepted / self.answered) if self.answered else None

    @property
    def load_percent(self) -> int:
        if not self.capacity:
            return 100
        return min(100, round(100 * self.open_referrals / self.capacity))

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.open_referrals)

    @property
    def at_capacity(self) -> bool:
        return self.free_places == 0


def partner_stats(partner: Partner) -> PartnerStats:
    """Count a partner's open, answered and accepted referrals in one query."""
    counts = partner.referrals.aggregate(
        open=Count("pk", filter=Q(state__in=referral_states("OPEN_STATES"))),
        answered=Count("pk", filter=Q(state__in=referral_states("ANSWERED_STATES"))),
        accepted=Count("pk", filter=Q(state__in=referral_states("ACCEPTED_STATES"))),
    )
    return PartnerStats(open_referrals=counts["open"], capacity=partner.capacity,
                        accepted=counts["accepted"], answered=counts["answered"])


def open_referrals_of(partner: Partner) -> QuerySet:
    """The partner's referrals still open, oldest first, with their ideas."""
    return (
        partner.referrals.filter(state__in=referral_states("OPEN_STATES"))
        .select_related("idea", "idea__municipality")
        .order_by("created_at", "pk")
    )


def matching_weights() -> Weights:
    """The stored weights, or the defaults if no coordinator has saved any yet."""
    row = MatchingWeights.objects.filter(pk=MatchingWeights.SINGLETON_ID).first()
    return (row or MatchingWeights()).as_weights()


def idea_profile(idea: Idea) -> IdeaProfile:
    """The idea as matching sees it (uses the prefetched themes when there are some)."""
    themes = list(idea.themes.all())
    supports = list(idea.support_wanted.all())
    municipality = idea.municipality
    return IdeaProfile(
        themes=frozenset(theme.pk for theme in themes),
        support_wanted=frozenset(support.pk for support in supports),
        municipality_id=municipality.pk,
        municipality_name=municipality.name,
        is_whole_county=municipality.is_whole_county,
        from_civil_society=idea.organisation_kind in CIVIL_SOCIETY_KINDS,
        # "sv-easy" (easy-to-read Swedish) is met by any partner that speaks Swedish.
        language=(idea.language or "sv").split("-")[0],
        theme_names={theme.pk: theme.name for theme in themes},
        support_names={support.pk: support.name for support in supports},
    )


def partner_profiles_for(profile: IdeaProfile, *, exclude_idea_id: int | None = None
                         ) -> list[PartnerProfile]:
    """See `partner_profiles_and_referred`; just the profiles."""
    return partner_profiles_and_referred(profile, idea_id=exclude_idea_id)[0]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def partner_profiles_and_referred(profile: IdeaProfile, *, idea_id: int | None = None
                                  ) -> tuple[list[PartnerProfile], set[int]]:
    """Load every active partner as matching sees it, in four queries whatever their number.

    Only the themes, kinds of support and municipality the idea has are read from the link
    tables: the others cannot change the score. Referral counts are grouped in the database.
    Past answers about the idea itself (idea_id) do not count as similar ideas; the partners
    it is already referred to come back as the second value.

    Plain SQL (portable: SQLite and PostgreSQL), because this runs on every idea page and
    building the same four ORM queries cost ten times more than running them. Only quoted
    names from the models' metadata go into the text; every value is a query parameter.
    """
    Referral = referral_model()
    q = connection.ops.quote_name

    # 1. The partners; languages as JSON text: a substring test beats decoding 10,000 lists.
    rows = _fetch(
        f"SELECT {q('id')}, {_column(Partner, 'name')}, {_column(Partner, 'slug')}, "  # noqa: S608
        f"{_column(Partner, 'covers_whole_county')}, {_column(Partner, 'is_civil_society')}, "
        f"CAST({_column(Partner, 'languages')} AS TEXT), {_column(Partner, 'capacity')} "
        f"FROM {_table(Partner)} WHERE {_column(Partner, 'is_active')} = %s",
        [True],
    )

    # 2. The links the idea shares, in one query: 1 theme, 2 kind of support, 3 municipality.
    parts, params = [], []
    links = (
        (1, Partner.themes.through, "theme", sorted(profile.themes)),
        (2, Partner.support_kinds.through, "supportkind", sorted(profile.support_wanted)),
        # For a county-wide idea every municipality counts (as part of the county).
        (3, Partner.municipalities.through, "municipality",
         None if profile.is_whole_county else [profile.municipality_id]),
    )
    for kind, through, field_name, wanted in links:
        if wanted == []:
            continue
        sql = (f"SELECT {_column(through, 'partner')}, {kind}, {_column(through, field_name)} "  # noqa: S608, E501
               f"FROM {_table(through)}")
        if wanted is not None:
            sql += f" WHERE {_column(through, field_name)} IN ({_placeholders(wanted)})"
            params.extend(wanted)
        parts.append(sql)
    shared: dict[int, dict[int, set[int]]] = {1: {}, 2: {}, 3: {}}
    for partner_id, kind, value in _fetch(" UNION ALL ".join(parts), params):
        shared[kind].setdefault(partner_id, set()).add(value)
    themes, supports, municipalities = shared[1], shared[2], shared[3]

    # 3. Open referrals of each partner, and whether it already has this idea.
    state, partner_col = _column(Referral, "state"), _column(Referral, "partner")
    idea_col, referral_table = _column(Referral, "idea"), _table(Referral)
    open_states = referral_states("OPEN_STATES")
    accepted_states = referral_states("ACCEPTED_STATES")
    answered_states = referral_states("ANSWERED_STATES")
    open_list = _placeholders(open_states)
    open_counts: dict[int, int] = {}
    referred_here: set[int] = set()
    for partner_id, open_count, here in _fetch(
        f"SELECT {partner_col}, "  # noqa: S608
        f"SUM(CASE WHEN {state} IN ({open_list}) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {idea_col} = %s THEN 1 ELSE 0 END) "
        f"FROM {referral_table} WHERE {state} IN ({open_list}) OR {idea_col} = %s "
        f"GROUP BY {partner_col}",
        [*open_states, idea_id, *open_states, idea_id],
    ):
        open_counts[partner_id] = int(open_count)
        if here:
            referred_here.add(partner_id)

    # 4. How each partner answered earlier ideas sharing a theme with this one.
    similar: dict[int, tuple[int, int]] = {}
    if profile.themes:
        idea_themes = Idea.themes.through
        theme_ids = sorted(profile.themes)
        referral_id = f"r.{q('id')}"
        for partner_id, accepted, answered in _fetch(
            f"SELECT r.{partner_col}, "  # noqa: S608
            f"COUNT(DISTINCT CASE WHEN r.{state} IN ({_placeholders(accepted_states)}) "
            f"THEN {referral_id} END), COUNT(DISTINCT {referral_id}) "
            f"FROM {referral_table} r INNER JOIN {_table(idea_themes)} it "
            f"ON it.{_column(idea_themes, 'idea')} = r.{idea_col} "
            f"WHERE r.{state} IN ({_placeholders(answered_states)}) "
            f"AND it.{_column(idea_themes, 'theme')} IN ({_placeholders(theme_ids)}) "
            f"AND r.{idea_col} <> %s "
            f"GROUP BY r.{partner_col}",
            [*accepted_states, *answered_states, *theme_ids, idea_id or 0],
        ):
            similar[partner_id] = (int(accepted), int(answered))

    empty: frozenset[int] = frozenset()
    quoted_language = f'"{profile.language}"'
    speaks = (profile.language,)
    profiles = []
    for pk, name, slug, whole_county, civil, languages, capacity in rows:
        accepted, answered = similar.get(pk, (0, 0))
        # Positional arguments, in PartnerProfile's field order: faster for 10,000 partners.
        profiles.append(PartnerProfile(
            pk, name,
            frozenset(themes[pk]) if pk in themes else empty,
            frozenset(supports[pk]) if pk in supports else empty,
            frozenset(municipalities[pk]) if pk in municipalities else empty,
            bool(whole_county), bool(civil),
            speaks if languages and quoted_language in languages else (),
            capacity, open_counts.get(pk, 0), accepted, answered, slug,
        ))
    return profiles, referred_here


# What the idea page shows: a ranked match, marked if the idea is already referred to it.
Suggestion = Match


def suggestions_for_idea(idea: Idea) -> list[Suggestion]:
    """Every active partner ranked for the idea, with reasons; a fixed number of queries."""
    profile = idea_profile(idea)
    profiles, referred = partner_profiles_and_referred(profile, idea_id=idea.pk)
    ranked = rank_partners(profile, profiles, matching_weights())
    for match in ranked:
        if match.partner.id in referred:
            match.already_referred = True
    return ranked
