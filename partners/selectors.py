"""Reads of the partner registry that carry rules, and the registry's side of matching.

A partner's referrals live in `triage`, which depends on `partners`; this module never reads
them. The registry's pages get what the referrals add from `partners.hooks.referral_activity`,
which triage fills in, and matching gets the per-partner numbers from triage as plain data
(`partner_profiles`).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from ideas.models import (
    CIVIL_SOCIETY_KINDS,
    Idea,
    IdeaVersion,
    Municipality,
    SupportKind,
    Theme,
)
from partners import hooks
from partners.matching import IdeaProfile, PartnerProfile, Weights
from partners.models import MatchingWeights, Partner, PartnerContact, current_term, stale_cutoff
from portal.cache import Mark, data_marks
from portal.sql import column, fetch, placeholders, table


def active_partners() -> QuerySet[Partner]:
    return Partner.objects.filter(is_active=True).order_by("name")


# What the public may see of the registry: partners that are active and agreed to be listed.
PUBLISHED = Q(listed_publicly=True, is_active=True)


def published_partners() -> QuerySet[Partner]:
    """The partners the public may see (the directory, the open data): active, and agreed to
    be listed publicly; with their vocabulary prefetched."""
    return (
        Partner.objects.filter(PUBLISHED)
        .prefetch_related("themes", "support_kinds", "municipalities")
        .order_by("name", "pk")
    )


def published_services() -> QuerySet[Any]:
    """Each kind of support a published partner offers (a row of the partner's support kinds),
    with the partner and its vocabulary loaded: the services of the open data."""
    offers = Partner.support_kinds.through
    return (
        offers.objects.filter(partner__in=Partner.objects.filter(PUBLISHED))
        .select_related("partner", "supportkind")
        .prefetch_related("partner__themes", "partner__municipalities")
        .order_by("partner__name", "supportkind__order", "supportkind__pk")
    )


def contact_of_user(user: Any) -> PartnerContact | None:
    """The partner contact a login belongs to, with its organisation, or None."""
    if not user.is_authenticated:
        return None
    return (
        PartnerContact.objects.select_related("partner", "partner__confirmed_by")
        .filter(user=user)
        .first()
    )


def referral_recipients(partner: Partner) -> QuerySet[PartnerContact]:
    """The contacts of a partner who receive referrals."""
    return partner.contacts.filter(receives_referrals=True).order_by("pk")


def partners_for_committee() -> QuerySet[Partner]:
    """Every partner, by name, with its open referrals counted."""
    return hooks.referral_activity.with_open_referrals(Partner.objects.order_by("name"))


# The committee's registry pages (the partner list, a partner's page) are kept this long at
# most; a change to what they show renews them sooner (`registry_marks`).
REGISTRY_PAGES_CACHE_SECONDS = 60


def registry_marks() -> list[Mark]:
    """The marks (`portal.cache.data_marks`) of what the committee's registry pages show.

    An entry saved (by its partner, the coordinator, an import or the admin: `updated_at`), a
    partner added or removed, a theme, kind of support or municipality linked or unlinked, a
    referral made, answered or removed (`hooks.referral_activity.marks`) each move one. A
    renamed theme shows within REGISTRY_PAGES_CACHE_SECONDS.
    """
    marks: list[Mark] = [(Partner, "MAX", "updated_at"), (Partner, "COUNT", "id")]
    for relation in (
        Partner.themes.through,
        Partner.support_kinds.through,
        Partner.municipalities.through,
    ):
        marks += [(relation, "MAX", "id"), (relation, "COUNT", "id")]
    return marks + hooks.referral_activity.marks()


def partner_list_version(*, query: str, language: str) -> tuple:
    """The version of the committee's partner list (`portal.cache.remember`), the same for
    every committee role: the registry's marks, the filters and page, the language, and the
    hour (entries go stale and terms turn with the clock)."""
    hour = timezone.now().strftime("%Y%m%d%H")
    return (language, data_marks(registry_marks()), hour, sorted(query.split("&")))


def partner_page_version(*, partner: Partner, language: str) -> tuple:
    """The version of a partner's page as the committee sees it, but its contacts: as the
    list's, and also what its open referrals say of their ideas (a new version of what an
    idea says, an erasure)."""
    marks: list[Mark] = [
        *registry_marks(),
        (IdeaVersion, "MAX", "id"),
        (Idea, "MAX", "anonymised_at"),
    ]
    hour = timezone.now().strftime("%Y%m%d%H")
    return (partner.pk, language, data_marks(marks), hour)


def attach_vocabulary_names(partners: Sequence[Partner]) -> list[Partner]:
    """Give each partner of a page `place_names`, `theme_names` and `support_names` (in the
    language of the request, in the vocabularies' order) and `stale`, in six queries: each
    vocabulary's names (a dozen rows) and its links to the page's partners.

    Cheaper than prefetch_related, which builds a related manager and a queryset for each
    partner and vocabulary and a model for each link: on the 40-partner list that was most of
    the page's time."""
    partners = list(partners)
    ids = [partner.pk for partner in partners]
    names: dict[str, dict[int, list[str]]] = {}
    for attribute, vocabulary, relation, target in (
        ("place_names", Municipality, Partner.municipalities.through, "municipality"),
        ("theme_names", Theme, Partner.themes.through, "theme"),
        ("support_names", SupportKind, Partner.support_kinds.through, "supportkind"),
    ):
        name_of = {entry.pk: str(entry) for entry in vocabulary.objects.all()}
        by_partner: dict[int, list[str]] = {pk: [] for pk in ids}
        links = (
            relation.objects.filter(partner_id__in=ids)
            .order_by(*(f"{target}__{field}" for field in vocabulary._meta.ordering or ["pk"]))
            .values_list("partner_id", f"{target}_id")
        )
        for partner_id, entry_id in links:
            by_partner[partner_id].append(name_of[entry_id])
        names[attribute] = by_partner
    cutoff = stale_cutoff()
    for partner in partners:
        for attribute, by_partner in names.items():
            setattr(partner, attribute, by_partner[partner.pk])
        partner.stale = partner.is_active and partner.confirmed_at < cutoff  # type: ignore[attr-defined]
    return partners


def matching_weights() -> Weights:
    """The stored weights, or the defaults if no coordinator has saved any yet."""
    # The single row by its key: first() would add an ORDER BY and a LIMIT to build each time.
    stored = list(MatchingWeights.objects.filter(pk=MatchingWeights.SINGLETON_ID))
    return (stored[0] if stored else MatchingWeights()).as_weights()


def places_sql() -> tuple[str, list[Any]]:
    """The SQL of the places a partner can take, as `Partner.places` counts them: its stated
    availability for the current term, else the number the administrator typed; and then 1
    where the availability is stated, 0 where not. With its query parameters."""
    stated = (
        f"{column(Partner, 'available_places')} IS NOT NULL "
        f"AND {column(Partner, 'availability_term')} = %s"
    )
    term = current_term()
    return (
        f"CASE WHEN {stated} THEN {column(Partner, 'available_places')} "
        f"ELSE {column(Partner, 'capacity')} END, CASE WHEN {stated} THEN 1 ELSE 0 END",
        [term, term],
    )


def stale_partners() -> QuerySet[Partner]:
    """Active entries not confirmed in PARTNER_STALE_MONTHS: marked for the coordinator and left
    out of suggestions until they are confirmed."""
    return Partner.objects.filter(is_active=True, confirmed_at__lt=stale_cutoff())


def _vocabulary_of(idea: Idea, name: str) -> list[Any]:
    """The idea's themes or kinds of support (name): the prefetched ones when the caller
    prefetched them, else read without the vocabulary's ordering, which matching has no use
    for and which costs a fifth of building the query."""
    if name in getattr(idea, "_prefetched_objects_cache", {}):
        return list(getattr(idea, name).all())
    return list(getattr(idea, name).order_by())


def idea_profile(idea: Idea) -> IdeaProfile:
    """The idea as matching sees it (uses the prefetched themes when there are some)."""
    themes = _vocabulary_of(idea, "themes")
    supports = _vocabulary_of(idea, "support_wanted")
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
        decline_window_days=settings.MATCHING_DECLINE_WINDOW_DAYS,
    )


def partner_profiles(
    profile: IdeaProfile,
    *,
    open_referrals: Mapping[int, int] | None = None,
    similar_answers: Mapping[int, tuple[int, int]] | None = None,
    recent_declines: Mapping[int, int] | None = None,
) -> list[PartnerProfile]:
    """Load every active partner whose entry is not stale as matching sees it, in two queries
    whatever their number (a stale entry is left out of suggestions until it is confirmed).

    Only the themes, kinds of support and municipality the idea has are read from the link
    tables: the others cannot change the score. What a partner's referrals add comes from
    triage, by partner id: the referrals it holds (`open_referrals`) and its (accepted,
    answered) referrals of earlier ideas sharing a theme with this one (`similar_answers`), and
    how many of those it declined lately (`recent_declines`).

    Plain SQL on the registry's own tables (portable: SQLite and PostgreSQL), because this runs
    on every idea page and the ORM's building of the same queries and its conversion of 10,000
    rows cost several times more than running them. Only quoted names from the models' metadata
    go into the text; every value is a query parameter.
    """
    open_referrals = open_referrals or {}
    similar_answers = similar_answers or {}
    recent_declines = recent_declines or {}
    q = connection.ops.quote_name

    # The partners; languages as JSON text: a substring test beats decoding 10,000 lists.
    places, places_params = places_sql()
    rows = fetch(
        f"SELECT {q('id')}, {column(Partner, 'name')}, {column(Partner, 'slug')}, "  # noqa: S608
        f"{column(Partner, 'covers_whole_county')}, {column(Partner, 'is_civil_society')}, "
        f"CAST({column(Partner, 'languages')} AS TEXT), {places} "
        f"FROM {table(Partner)} WHERE {column(Partner, 'is_active')} = %s "
        f"AND {column(Partner, 'confirmed_at')} >= %s",
        # As the database keeps a datetime (SQLite compares text).
        [*places_params, True, connection.ops.adapt_datetimefield_value(stale_cutoff())],
    )

    # The links the idea shares, in one query: 1 theme, 2 kind of support, 3 municipality.
    parts, params = [], []
    links: tuple[tuple[int, type[Model], str, list[int] | None], ...] = (
        (1, Partner.themes.through, "theme", sorted(profile.themes)),
        (2, Partner.support_kinds.through, "supportkind", sorted(profile.support_wanted)),
        # For a county-wide idea every municipality counts (as part of the county).
        (
            3,
            Partner.municipalities.through,
            "municipality",
            None if profile.is_whole_county else [profile.municipality_id],
        ),
    )
    for kind, through, field_name, wanted in links:
        if wanted == []:
            continue
        sql = (
            f"SELECT {column(through, 'partner')}, {kind}, {column(through, field_name)} "  # noqa: S608, E501
            f"FROM {table(through)}"
        )
        if wanted is not None:
            sql += f" WHERE {column(through, field_name)} IN ({placeholders(wanted)})"
            params.extend(wanted)
        parts.append(sql)
    shared: dict[int, dict[int, set[int]]] = {1: {}, 2: {}, 3: {}}
    for partner_id, kind, value in fetch(" UNION ALL ".join(parts), params):
        shared[kind].setdefault(partner_id, set()).add(value)
    themes, supports, municipalities = shared[1], shared[2], shared[3]

    empty: frozenset[int] = frozenset()
    quoted_language = f'"{profile.language}"'
    speaks = (profile.language,)
    profiles = []
    for pk, name, slug, whole_county, civil, languages, capacity, stated in rows:
        accepted, answered = similar_answers.get(pk, (0, 0))
        # Positional arguments, in PartnerProfile's field order: faster for 10,000 partners.
        profiles.append(
            PartnerProfile(
                pk,
                name,
                frozenset(themes[pk]) if pk in themes else empty,
                frozenset(supports[pk]) if pk in supports else empty,
                frozenset(municipalities[pk]) if pk in municipalities else empty,
                bool(whole_county),
                bool(civil),
                speaks if languages and quoted_language in languages else (),
                capacity,
                open_referrals.get(pk, 0),
                accepted,
                answered,
                slug,
                recent_declines.get(pk, 0),
                bool(stated),
            )
        )
    return profiles
