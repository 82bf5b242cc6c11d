"""Explainable matching of one idea to the partner organisations that can support it.

`rank_partners` is pure and deterministic: it takes plain data (no ORM), scores every partner
profile against the idea profile with the given weights and returns them ranked, each with the
reasons that earned its points. `partners.selectors.partner_profiles` loads the profiles from
the registry, with the referral numbers triage passes in.

Each factor gives a value from 0 to 1; the score is the weighted mean of the values, 0 to 100:

- themes: the share of the idea's themes the partner works with;
- support: the share of the kinds of support the idea wants that the partner offers;
- geography: 1 if the partner covers the idea's municipality, 0.75 if it covers the whole
  county; for a whole-county idea, 1 for a whole-county partner and 0.5 for a local one;
- civil society: 1 for a civil-society partner when the idea comes from civil society;
- language: 1 if the partner can support the idea's language;
- capacity: the share of the partner's places that are free (0 at capacity); its places are
  the availability the partner stated for the current term where it did, else the
  administrator's number;
- acceptance: the share of similar ideas (sharing a theme) the partner accepted, of those it
  answered.

A reason is given only for a factor that adds points, so every reason is a real overlap.

What speaks against a partner is a concern, with its effect on the score: not covering the
idea's area, being at capacity and not speaking the idea's language each cost the points a
partner that does earns from that factor; recent declines of ideas on the same theme are taken
off the score (`RECENT_DECLINE_SHARE` of the themes weight for each, at most
`RECENT_DECLINES_COUNTED`), so the reasons and the declines add up to the score exactly.

Geography comes first: a partner that works only in other municipalities (or names no area at
all) ranks after every partner that covers the idea's municipality or the whole county,
whatever their scores. It stays in the list, marked, and the committee may still choose it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, get_language_info, ngettext_lazy
from django.utils.translation import gettext_lazy as _

# Geography values: a local partner on the spot counts more than one covering the county.
LOCAL_MATCH = 1.0
COUNTY_PARTNER_MATCH = 0.75
LOCAL_PARTNER_FOR_COUNTY_IDEA = 0.5

# Each recent decline of an idea on the same theme takes off half the themes weight; two take
# off all of it, as if the partner did not work with the theme.
RECENT_DECLINE_SHARE = 0.5
RECENT_DECLINES_COUNTED = 2


@dataclass(frozen=True)
class Weights:
    """How much each factor counts (0 or more); the score is the weighted mean."""

    themes: float = 5
    support: float = 4
    geography: float = 4
    civil_society: float = 2
    language: float = 2
    capacity: float = 2
    acceptance: float = 1

    @property
    def total(self) -> float:
        return (
            self.themes
            + self.support
            + self.geography
            + self.civil_society
            + self.language
            + self.capacity
            + self.acceptance
        )


@dataclass(frozen=True)
class IdeaProfile:
    """What matching needs to know about an idea; names are for the reasons."""

    themes: frozenset[int]
    support_wanted: frozenset[int]
    municipality_id: int
    municipality_name: str
    is_whole_county: bool
    from_civil_society: bool
    language: str
    theme_names: Mapping[int, str] = field(default_factory=dict, hash=False, compare=False)
    support_names: Mapping[int, str] = field(default_factory=dict, hash=False, compare=False)
    # How far back a decline counts as recent (for the words of the concern).
    decline_window_days: int = field(default=0, hash=False, compare=False)


@dataclass(slots=True)
class PartnerProfile:
    """What matching needs to know about a partner.

    The selectors may leave out themes, kinds of support and municipalities the idea does not
    share: they cannot change the score. (Not frozen: ten thousand of these are built per idea,
    and a frozen dataclass is four times slower to build; matching never changes one.)
    """

    id: int
    name: str
    themes: frozenset[int] = frozenset()
    support_kinds: frozenset[int] = frozenset()
    municipalities: frozenset[int] = frozenset()
    covers_whole_county: bool = False
    is_civil_society: bool = False
    languages: tuple[str, ...] = ()
    # The places it can take (`Partner.places`: its own stated availability for the current
    # term, else the administrator's number); `availability_stated` says which.
    capacity: int = 0
    open_referrals: int = 0
    similar_accepted: int = 0
    similar_answered: int = 0
    slug: str = ""
    # Ideas sharing a theme with this one that the partner declined lately.
    recent_declines: int = 0
    availability_stated: bool = False

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.open_referrals)

    @property
    def at_capacity(self) -> bool:
        return self.capacity <= self.open_referrals


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a partner earned points (or, for a concern, lost them: negative points), in
    words rendered in the current language."""

    factor: str
    message: Promise | str
    params: tuple[tuple[str, Any], ...] = ()
    points: float = 0.0
    # What overlaps: a theme or support id, a municipality id or a language code.
    ref: Any = None

    @property
    def text(self) -> str:
        # A lazy plural picks its form from the params, so format before turning into text.
        return str(self.message % dict(self.params)) if self.params else str(self.message)

    @property
    def effect(self) -> str:
        """The points as the card shows them: "+25", "−20" (a real minus sign), or ""."""
        points = round(self.points)
        if points > 0:
            return f"+{points}"
        if points < 0:
            return f"\u2212{-points}"
        return ""

    def __str__(self) -> str:
        return self.text


@dataclass(slots=True)
class Match:
    """A partner's place in the ranking: its score (0 to 100) and the reasons for it.

    The reasons are worked out when first read, by the same function that gave the score, so
    ranking ten thousand partners does not build ten thousand lists of words.
    """

    partner: PartnerProfile
    score: float
    idea: IdeaProfile
    weights: Weights
    _reasons: tuple["Reason", ...] | None = None
    # Not part of the score: the caller marks partners the idea is already referred to.
    already_referred: bool = False
    _concerns: tuple["Reason", ...] | None = None

    @property
    def reasons(self) -> tuple["Reason", ...]:
        """What speaks for the partner (the words its referral mail gives too)."""
        if self._reasons is None:
            self._reasons = tuple(explain_partner(self.idea, self.partner, self.weights))
        return self._reasons

    @property
    def concerns(self) -> tuple["Reason", ...]:
        """What speaks against the partner, each with its (negative) effect on the score."""
        if self._concerns is None:
            self._concerns = tuple(explain_concerns(self.idea, self.partner, self.weights))
        return self._concerns

    @property
    def covers_area(self) -> bool:
        return covers_area(self.idea, self.partner)

    @property
    def at_capacity(self) -> bool:
        return self.partner.at_capacity

    @property
    def percent(self) -> int:
        return round(self.score)


WORKS_WITH = _("works with %(theme)s")
OFFERS = _("offers %(support)s")
COVERS = _("covers %(municipality)s")
COVERS_COUNTY = _("covers the whole county")
WORKS_IN_PART_OF_COUNTY = _("works in part of the county")
CIVIL_SOCIETY = _("civil-society organisation")
SPEAKS = _("can help in %(language)s")
PLACES_FREE = ngettext_lazy(
    "%(free)s of %(capacity)s place free", "%(free)s of %(capacity)s places free", "capacity"
)
STATED_PLACES_FREE = ngettext_lazy(
    "says it can take %(free)s more this term", "says it can take %(free)s more this term", "free"
)
NOT_COVERS = _("does not cover %(municipality)s")
NOT_IN_COUNTY = _("works in no part of the county")
NO_PLACES_FREE = ngettext_lazy(
    "no place free (%(capacity)s in all)", "no places free (%(capacity)s in all)", "capacity"
)
STATED_NO_PLACES = _("says it can take no more this term")
CANNOT_HELP_IN = _("cannot help in %(language)s")
DECLINED_RECENTLY = ngettext_lazy(
    "declined %(declines)s idea on the same theme in the last %(days)s days",
    "declined %(declines)s ideas on the same theme in the last %(days)s days",
    "declines",
)
ACCEPTED_SIMILAR = ngettext_lazy(
    "accepted %(accepted)s of %(answered)s similar idea",
    "accepted %(accepted)s of %(answered)s similar ideas",
    "answered",
)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


# Interface languages that write the names of languages in lower case ("på svenska").
LOWER_CASE_LANGUAGE_NAMES = ("sv",)


def language_name(code: str) -> str:
    """The name of a language in the current language, or its code if Django does not know it."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    if (get_language() or "").split("-")[0] in LOWER_CASE_LANGUAGE_NAMES:
        return name.lower()
    return name


# Named when the reason is shown, in the language of that page.
lazy_language_name = lazy(language_name, str)


def _geography(idea: IdeaProfile, partner: PartnerProfile) -> tuple[float, str | None]:
    """How well the partner's area fits the idea's, and which reason says so."""
    if idea.is_whole_county:
        if partner.covers_whole_county:
            return LOCAL_MATCH, "county"
        if partner.municipalities:
            return LOCAL_PARTNER_FOR_COUNTY_IDEA, "part"
        return 0.0, None
    if idea.municipality_id in partner.municipalities:
        return LOCAL_MATCH, "local"
    if partner.covers_whole_county:
        return COUNTY_PARTNER_MATCH, "county"
    return 0.0, None


def covers_area(idea: IdeaProfile, partner: PartnerProfile) -> bool:
    """Whether the partner works where the idea is: its municipality, or the whole county (for
    a whole-county idea, any part of it)."""
    if partner.covers_whole_county:
        return True
    if idea.is_whole_county:
        return bool(partner.municipalities)
    return idea.municipality_id in partner.municipalities


def _decline_penalty(partner: PartnerProfile, weights: Weights, scale: float) -> float:
    """The points recent declines of ideas on the same theme take off (before the floor)."""
    if partner.recent_declines <= 0 or weights.themes <= 0:
        return 0.0
    counted = min(partner.recent_declines, RECENT_DECLINES_COUNTED)
    return scale * weights.themes * RECENT_DECLINE_SHARE * counted


def _earned(
    idea: IdeaProfile, partner: PartnerProfile, weights: Weights, weight_total: float | None
) -> float:
    """The points the factors earn, 0 to 100: the weighted mean of the factor values."""
    total = 0.0
    if idea.themes and weights.themes > 0:
        total += weights.themes * len(idea.themes & partner.themes) / len(idea.themes)
    if idea.support_wanted and weights.support > 0:
        total += (
            weights.support
            * len(idea.support_wanted & partner.support_kinds)
            / len(idea.support_wanted)
        )
    if weights.geography > 0:
        total += weights.geography * _geography(idea, partner)[0]
    if idea.from_civil_society and partner.is_civil_society and weights.civil_society > 0:
        total += weights.civil_society
    if idea.language in partner.languages and weights.language > 0:
        total += weights.language
    if partner.capacity > partner.open_referrals and weights.capacity > 0:
        total += weights.capacity * (partner.capacity - partner.open_referrals) / partner.capacity
    if partner.similar_accepted > 0 and partner.similar_answered > 0 and weights.acceptance > 0:
        accepted = min(partner.similar_accepted, partner.similar_answered)
        total += weights.acceptance * accepted / partner.similar_answered
    if weight_total is None:
        weight_total = weights.total
    return 100.0 * total / weight_total if weight_total > 0 else 0.0


def score_value(
    idea: IdeaProfile, partner: PartnerProfile, weights: Weights, weight_total: float | None = None
) -> float:
    """The partner's score for the idea, 0 to 100: the weighted mean of the factor values, less
    what recent declines on the same theme take off."""
    if weight_total is None:
        weight_total = weights.total
    earned = _earned(idea, partner, weights, weight_total)
    if partner.recent_declines <= 0 or weight_total <= 0:
        return earned
    return max(0.0, earned - _decline_penalty(partner, weights, 100.0 / weight_total))


def explain_partner(idea: IdeaProfile, partner: PartnerProfile, weights: Weights) -> list[Reason]:
    """The reasons behind `score_value`, one for each overlap that adds points."""
    reasons: list[Reason] = []
    weight_total = weights.total or 1.0
    scale = 100.0 / weight_total
    if idea.themes and weights.themes > 0:
        points = scale * weights.themes / len(idea.themes)
        for theme_id in sorted(idea.themes & partner.themes):
            name = _lower_first(idea.theme_names.get(theme_id, str(theme_id)))
            reasons.append(Reason("themes", WORKS_WITH, (("theme", name),), points, theme_id))
    if idea.support_wanted and weights.support > 0:
        points = scale * weights.support / len(idea.support_wanted)
        for support_id in sorted(idea.support_wanted & partner.support_kinds):
            name = _lower_first(idea.support_names.get(support_id, str(support_id)))
            reasons.append(Reason("support", OFFERS, (("support", name),), points, support_id))
    if weights.geography > 0:
        value, kind = _geography(idea, partner)
        points = scale * weights.geography * value
        if kind == "local":
            reasons.append(
                Reason(
                    "geography",
                    COVERS,
                    (("municipality", idea.municipality_name),),
                    points,
                    idea.municipality_id,
                )
            )
        elif kind == "county":
            reasons.append(Reason("geography", COVERS_COUNTY, (), points, "county"))
        elif kind == "part":
            reasons.append(Reason("geography", WORKS_IN_PART_OF_COUNTY, (), points, "part"))
    if idea.from_civil_society and partner.is_civil_society and weights.civil_society > 0:
        reasons.append(
            Reason("civil_society", CIVIL_SOCIETY, (), scale * weights.civil_society, True)
        )
    if idea.language in partner.languages and weights.language > 0:
        reasons.append(
            Reason(
                "language",
                SPEAKS,
                (("language", lazy_language_name(idea.language)),),
                scale * weights.language,
                idea.language,
            )
        )
    free = partner.free_places
    if free > 0 and weights.capacity > 0:
        reasons.append(
            Reason(
                "capacity",
                STATED_PLACES_FREE if partner.availability_stated else PLACES_FREE,
                (("free", free), ("capacity", partner.capacity)),
                scale * weights.capacity * free / partner.capacity,
                free,
            )
        )
    if partner.similar_accepted > 0 and partner.similar_answered > 0 and weights.acceptance > 0:
        accepted = min(partner.similar_accepted, partner.similar_answered)
        reasons.append(
            Reason(
                "acceptance",
                ACCEPTED_SIMILAR,
                (("accepted", accepted), ("answered", partner.similar_answered)),
                scale * weights.acceptance * accepted / partner.similar_answered,
                accepted,
            )
        )
    return reasons


def explain_concerns(idea: IdeaProfile, partner: PartnerProfile, weights: Weights) -> list[Reason]:
    """What speaks against the partner, each with its effect on `score_value` (negative)."""
    concerns: list[Reason] = []
    weight_total = weights.total or 1.0
    scale = 100.0 / weight_total
    if not covers_area(idea, partner):
        points = -scale * weights.geography * LOCAL_MATCH
        if idea.is_whole_county:
            concerns.append(Reason("outside_area", NOT_IN_COUNTY, (), points, "county"))
        else:
            concerns.append(
                Reason(
                    "outside_area",
                    NOT_COVERS,
                    (("municipality", idea.municipality_name),),
                    points,
                    idea.municipality_id,
                )
            )
    if partner.at_capacity and weights.capacity > 0:
        concerns.append(
            Reason(
                "capacity",
                STATED_NO_PLACES if partner.availability_stated else NO_PLACES_FREE,
                (("capacity", partner.capacity),),
                -scale * weights.capacity,
                partner.open_referrals,
            )
        )
    if idea.language not in partner.languages and weights.language > 0:
        concerns.append(
            Reason(
                "language",
                CANNOT_HELP_IN,
                (("language", lazy_language_name(idea.language)),),
                -scale * weights.language,
                idea.language,
            )
        )
    penalty = _decline_penalty(partner, weights, scale)
    if penalty > 0:
        earned = _earned(idea, partner, weights, weights.total)
        concerns.append(
            Reason(
                "declines",
                DECLINED_RECENTLY,
                (("declines", partner.recent_declines), ("days", idea.decline_window_days)),
                # Its real effect: the score never goes below 0.
                -min(penalty, earned),
                partner.recent_declines,
            )
        )
    return concerns


def rank_key(match: Match) -> tuple:
    """Partners covering the idea's area first; within each group the highest score first; at
    equal score a partner with room first; then by name and id."""
    partner = match.partner
    return (
        not covers_area(match.idea, partner),
        -match.score,
        partner.capacity <= partner.open_referrals,
        partner.name,
        partner.id,
    )


def rank_partners(
    idea: IdeaProfile, partners: Iterable[PartnerProfile], weights: Weights
) -> list[Match]:
    """Score every partner for the idea and rank them; the same input gives the same order."""
    weight_total = weights.total
    return sorted(
        (
            Match(partner, score_value(idea, partner, weights, weight_total), idea, weights)
            for partner in partners
        ),
        key=rank_key,
    )
