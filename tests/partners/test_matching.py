"""The matching function: plain data in, ranked partners with reasons out (no database)."""

import dataclasses

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from partners.matching import (
    IdeaProfile,
    PartnerProfile,
    Weights,
    covers_area,
    explain_concerns,
    explain_partner,
    rank_partners,
    score_value,
)

THEMES = range(1, 9)
SUPPORTS = range(1, 7)
PLACES = range(1, 6)
COUNTY = 99

ids = st.frozensets(st.sampled_from(THEMES), max_size=5)
weights_st = st.builds(
    Weights, **{f.name: st.integers(0, 10) for f in dataclasses.fields(Weights)}
).filter(lambda w: w.total > 0)


@st.composite
def ideas(draw) -> IdeaProfile:
    whole_county = draw(st.booleans())
    place = COUNTY if whole_county else draw(st.sampled_from(PLACES))
    themes = draw(st.frozensets(st.sampled_from(THEMES), min_size=1, max_size=4))
    supports = draw(st.frozensets(st.sampled_from(SUPPORTS), max_size=3))
    return IdeaProfile(
        themes=themes,
        support_wanted=supports,
        municipality_id=place,
        municipality_name=f"Place {place}",
        is_whole_county=whole_county,
        from_civil_society=draw(st.booleans()),
        language=draw(st.sampled_from(["sv", "en"])),
        theme_names={t: f"Theme {t}" for t in THEMES},
        support_names={s: f"Support {s}" for s in SUPPORTS},
    )


@st.composite
def partners(draw, pk: int | None = None) -> PartnerProfile:
    capacity = draw(st.integers(0, 8))
    answered = draw(st.integers(0, 6))
    return PartnerProfile(
        id=pk if pk is not None else draw(st.integers(1, 10_000)),
        name=draw(st.sampled_from(["Alfa", "Beta", "Gamma", "Delta"])),
        themes=draw(ids),
        support_kinds=draw(st.frozensets(st.sampled_from(SUPPORTS), max_size=4)),
        municipalities=draw(st.frozensets(st.sampled_from(PLACES), max_size=2)),
        covers_whole_county=draw(st.booleans()),
        is_civil_society=draw(st.booleans()),
        languages=tuple(
            draw(st.lists(st.sampled_from(["sv", "en", "ar"]), max_size=3, unique=True))
        ),
        capacity=capacity,
        open_referrals=draw(st.integers(0, 10)),
        similar_accepted=draw(st.integers(0, answered)),
        similar_answered=answered,
        recent_declines=draw(st.integers(0, 3)),
    )


partner_lists = st.lists(partners(), max_size=12, unique_by=lambda p: p.id)


def order(matches) -> list[int]:
    return [match.partner.id for match in matches]


@settings(max_examples=100, deadline=None)
@given(idea=ideas(), candidates=partner_lists, weights=weights_st, seed=st.randoms())
def test_the_same_input_gives_the_same_order_whatever_order_the_partners_come_in(
    idea, candidates, weights, seed
):
    first = rank_partners(idea, candidates, weights)
    shuffled = list(candidates)
    seed.shuffle(shuffled)
    second = rank_partners(idea, shuffled, weights)
    assert order(first) == order(second)
    assert [m.score for m in first] == [m.score for m in second]
    for group in (True, False):
        scores = [m.score for m in first if m.covers_area is group]
        assert scores == sorted(scores, reverse=True)


@settings(max_examples=200, deadline=None)
@given(idea=ideas(), candidates=partner_lists, weights=weights_st)
def test_a_partner_outside_the_ideas_area_never_ranks_above_one_that_covers_it(
    idea, candidates, weights
):
    ranked = rank_partners(idea, candidates, weights)
    covering = [covers_area(idea, m.partner) for m in ranked]
    # Every partner that covers the idea's municipality or the county comes first.
    assert covering == sorted(covering, reverse=True)
    for match in ranked:
        local = idea.municipality_id in match.partner.municipalities
        county = match.partner.covers_whole_county
        part = idea.is_whole_county and bool(match.partner.municipalities)
        assert match.covers_area is (local or county or part)


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st)
def test_only_a_partner_outside_the_area_is_told_so_and_the_card_gives_what_it_costs(
    idea, partner, weights
):
    outside = [c for c in explain_concerns(idea, partner, weights) if c.factor == "outside_area"]
    assert bool(outside) is not covers_area(idea, partner)
    for concern in outside:
        assert abs(concern.points + 100.0 * weights.geography / weights.total) < 1e-9
        assert concern.text


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), candidates=partner_lists, weights=weights_st)
def test_every_partner_stays_in_the_ranking_whatever_its_area_so_the_committee_can_choose_it(
    idea, candidates, weights
):
    ranked = rank_partners(idea, candidates, weights)
    assert sorted(order(ranked)) == sorted(p.id for p in candidates)


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st)
def test_the_cost_of_working_elsewhere_is_what_covering_the_municipality_would_earn(
    idea, partner, weights
):
    # A local idea, a partner that works elsewhere and has no declines to floor its score.
    idea = dataclasses.replace(idea, is_whole_county=False, municipality_id=1)
    partner = dataclasses.replace(
        partner,
        municipalities=partner.municipalities - {1},
        covers_whole_county=False,
        recent_declines=0,
    )
    [concern] = [c for c in explain_concerns(idea, partner, weights) if c.factor == "outside_area"]
    moved = dataclasses.replace(partner, municipalities=partner.municipalities | {1})
    gained = score_value(idea, moved, weights) - score_value(idea, partner, weights)
    assert abs(gained + concern.points) < 1e-9
    assert not any(r.factor == "geography" for r in explain_partner(idea, partner, weights))
    assert not any(c.factor == "outside_area" for c in explain_concerns(idea, moved, weights))


@settings(max_examples=150, deadline=None)
@given(
    idea=ideas(),
    partner=partners(pk=1),
    weights=weights_st,
    more=st.integers(1, 3),
)
def test_a_partner_that_declined_the_theme_more_lately_never_ranks_above_its_twin(
    idea, partner, weights, more
):
    # The one that declined more has the lower id: at equal scores it would come first.
    declined_more = dataclasses.replace(
        partner, id=1, name="Same", recent_declines=partner.recent_declines + more
    )
    fewer = dataclasses.replace(partner, id=2, name="Same")
    lower, higher = score_value(idea, declined_more, weights), score_value(idea, fewer, weights)
    assert lower <= higher
    for candidates in ([fewer, declined_more], [declined_more, fewer]):
        assert order(rank_partners(idea, candidates, weights)) == (
            [2, 1] if lower < higher else [1, 2]
        )
    # A first decline on the theme always costs a partner that earned points, if themes count.
    if partner.recent_declines == 0 and weights.themes > 0 and higher > 0:
        assert lower < higher


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st)
def test_taking_up_the_ideas_municipality_never_lowers_a_partner_or_leaves_it_outside(
    idea, partner, weights
):
    moved = dataclasses.replace(
        partner, municipalities=partner.municipalities | {idea.municipality_id}
    )
    assert covers_area(idea, moved) or (idea.is_whole_county and not moved.municipalities)
    assert score_value(idea, moved, weights) >= score_value(idea, partner, weights)
    # Ranked against a copy of itself that works elsewhere, it comes first.
    elsewhere = dataclasses.replace(
        partner, id=2, municipalities=frozenset({7}), covers_whole_county=False
    )
    if covers_area(idea, moved) and not covers_area(idea, elsewhere):
        assert order(rank_partners(idea, [elsewhere, moved], weights)) == [1, 2]


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st, more=st.integers(1, 3))
def test_recent_declines_on_the_theme_never_raise_a_partners_score(idea, partner, weights, more):
    declined_more = dataclasses.replace(partner, recent_declines=partner.recent_declines + more)
    assert score_value(idea, declined_more, weights) <= score_value(idea, partner, weights)
    without = dataclasses.replace(partner, recent_declines=0)
    assert score_value(idea, partner, weights) <= score_value(idea, without, weights)


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st, theme=st.sampled_from(THEMES))
def test_adding_a_shared_theme_never_lowers_a_partners_score(idea, partner, weights, theme):
    before = score_value(idea, partner, weights)
    # The theme becomes shared: the partner takes it up, and the idea has it too.
    richer_partner = dataclasses.replace(partner, themes=partner.themes | {theme})
    richer_idea = dataclasses.replace(idea, themes=idea.themes | {theme})
    assert score_value(idea, richer_partner, weights) >= before
    assert score_value(richer_idea, richer_partner, weights) >= before


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st, room=st.integers(1, 8))
def test_a_full_partner_never_ranks_above_an_otherwise_identical_one_with_room(
    idea, partner, weights, room
):
    full = dataclasses.replace(partner, id=1, capacity=room, open_referrals=room)
    with_room = dataclasses.replace(
        partner, id=2, capacity=room, open_referrals=room - 1 - (room - 1) // 2
    )
    for candidates in ([full, with_room], [with_room, full]):
        ranked = rank_partners(idea, candidates, weights)
        assert order(ranked) == [2, 1]
        assert ranked[1].at_capacity and not ranked[0].at_capacity


@settings(max_examples=150, deadline=None)
@given(idea=ideas(), partner=partners(pk=1), weights=weights_st)
def test_every_reason_shown_is_a_real_overlap_and_the_reasons_add_up_to_the_score(
    idea, partner, weights
):
    reasons = explain_partner(idea, partner, weights)
    concerns = explain_concerns(idea, partner, weights)
    for concern in concerns:
        assert concern.points <= 0 and concern.text
        if concern.factor == "capacity":
            assert partner.at_capacity and concern.points < 0
        elif concern.factor == "language":
            assert idea.language not in partner.languages and concern.points < 0
        elif concern.factor == "declines":
            assert partner.recent_declines > 0 and concern.ref == partner.recent_declines
        else:
            assert concern.factor == "outside_area" and not covers_area(idea, partner)
    # Only the declines are taken off; the other concerns are points not earned.
    taken_off = sum(c.points for c in concerns if c.factor == "declines")
    for reason in reasons:
        assert reason.points > 0
        if reason.factor == "themes":
            assert reason.ref in idea.themes & partner.themes
        elif reason.factor == "support":
            assert reason.ref in idea.support_wanted & partner.support_kinds
        elif reason.factor == "geography":
            if reason.ref == "county":
                assert partner.covers_whole_county
            elif reason.ref == "part":
                assert idea.is_whole_county and partner.municipalities
            else:
                assert reason.ref == idea.municipality_id in partner.municipalities
        elif reason.factor == "civil_society":
            assert idea.from_civil_society and partner.is_civil_society
        elif reason.factor == "language":
            assert reason.ref == idea.language and idea.language in partner.languages
        elif reason.factor == "capacity":
            assert 0 < reason.ref == partner.capacity - partner.open_referrals
        elif reason.factor == "acceptance":
            assert 0 < reason.ref <= partner.similar_answered
        else:
            raise AssertionError(reason.factor)
        assert reason.text
    score = score_value(idea, partner, weights)
    assert abs(sum(r.points for r in reasons) + taken_off - score) < 1e-6


def _idea(**changes) -> IdeaProfile:
    base = IdeaProfile(
        themes=frozenset({1, 2}),
        support_wanted=frozenset({3}),
        municipality_id=1863,
        municipality_name="Hällefors",
        is_whole_county=False,
        from_civil_society=True,
        language="sv",
        theme_names={1: "Broadband", 2: "Housing"},
        support_names={3: "Premises"},
    )
    return dataclasses.replace(base, **changes)


def test_the_reasons_are_plain_words_in_the_language_of_the_page():
    partner = PartnerProfile(
        id=1,
        name="Byalaget",
        themes=frozenset({1}),
        support_kinds=frozenset({3}),
        municipalities=frozenset({1863}),
        is_civil_society=True,
        languages=("sv",),
        capacity=5,
        open_referrals=2,
        similar_accepted=1,
        similar_answered=2,
    )
    [match] = rank_partners(_idea(), [partner], Weights())
    with translation.override("en"):
        texts = [reason.text for reason in match.reasons]
    assert texts == [
        "works with broadband",
        "offers premises",
        "covers Hällefors",
        "civil-society organisation",
        "can help in Swedish",
        "3 of 5 places free",
        "accepted 1 of 2 similar ideas",
    ]
    assert 0 < match.percent <= 100


def test_a_partner_at_capacity_is_kept_in_the_list_but_marked():
    full = PartnerProfile(id=1, name="Full", themes=frozenset({1, 2}), capacity=2, open_referrals=3)
    ranked = rank_partners(_idea(), [full], Weights())
    assert ranked[0].at_capacity
    assert all(reason.factor != "capacity" for reason in ranked[0].reasons)


def test_a_factor_with_weight_zero_neither_counts_nor_gives_a_reason():
    partner = PartnerProfile(id=1, name="A", themes=frozenset({1}), capacity=5)
    weights = Weights(
        themes=0, support=1, geography=0, civil_society=0, language=0, capacity=0, acceptance=0
    )
    [match] = rank_partners(_idea(), [partner], weights)
    assert match.score == 0
    assert match.reasons == ()


def test_a_county_partner_counts_for_a_local_idea_but_less_than_a_local_partner():
    local = PartnerProfile(id=1, name="Local", municipalities=frozenset({1863}))
    county = PartnerProfile(id=2, name="County", covers_whole_county=True)
    elsewhere = PartnerProfile(id=3, name="Elsewhere", municipalities=frozenset({1880}))
    ranked = rank_partners(_idea(), [elsewhere, county, local], Weights())
    assert order(ranked) == [1, 2, 3]
    assert ranked[2].score == 0


def test_a_partner_elsewhere_ranks_after_a_local_one_whatever_its_score_and_says_why():
    # Ljusnarsberg's council shares every theme and speaks the language; Lindesberg's shares
    # little, but Lindesberg is where the idea is.
    idea = _idea(municipality_id=1885, municipality_name="Lindesberg")
    elsewhere = PartnerProfile(
        id=1,
        name="Ljusnarsberg kommun",
        themes=frozenset({1, 2}),
        support_kinds=frozenset({3}),
        municipalities=frozenset({1864}),
        is_civil_society=True,
        languages=("sv",),
        capacity=5,
    )
    local = PartnerProfile(
        id=2, name="Lindesberg kommun", municipalities=frozenset({1885}), capacity=0
    )
    ranked = rank_partners(idea, [elsewhere, local], Weights())
    assert order(ranked) == [2, 1]
    assert ranked[1].score > ranked[0].score and not ranked[1].covers_area
    with translation.override("sv"):
        assert [(c.text, c.effect) for c in ranked[1].concerns] == [
            ("täcker inte Lindesberg", "\u221220")
        ]
        assert [(c.text, c.effect) for c in ranked[0].concerns] == [
            ("inga lediga platser (0 totalt)", "\u221210"),
            ("kan inte hjälpa på svenska", "\u221210"),
        ]
    with translation.override("en"):
        assert ranked[1].concerns[0].text == "does not cover Lindesberg"
        assert "does not cover" not in " ".join(c.text for c in ranked[0].concerns)
    # The partner's own mail gives the reasons for it, never the concerns.
    assert all(r.points > 0 for r in ranked[1].reasons)


def test_recent_declines_on_the_theme_lower_the_rank_and_say_by_how_much():
    idea = _idea(decline_window_days=180)
    kwargs = {
        "themes": frozenset({1, 2}),
        "municipalities": frozenset({1863}),
        "languages": ("sv",),
        "capacity": 5,
    }
    declined = PartnerProfile(id=1, name="Alfa", recent_declines=1, **kwargs)
    steady = PartnerProfile(id=2, name="Beta", **kwargs)
    ranked = rank_partners(idea, [declined, steady], Weights())
    assert order(ranked) == [2, 1]
    # Half the themes weight (5 of 20): 12.5 points.
    assert ranked[0].score - ranked[1].score == 12.5
    [concern] = ranked[1].concerns
    with translation.override("sv"):
        assert concern.text == "tackade nej till 1 idé på samma tema de senaste 180 dagarna"
        assert concern.effect == "\u221212"
    with translation.override("en"):
        assert concern.text == "declined 1 idea on the same theme in the last 180 days"
    twice = dataclasses.replace(declined, recent_declines=5)
    # Two count at most: as if it did not work with the themes.
    assert score_value(idea, steady, Weights()) - score_value(idea, twice, Weights()) == 25


def test_language_names_follow_the_spelling_of_the_interface_language():
    partner = PartnerProfile(id=1, name="A", languages=("en",))
    [match] = rank_partners(_idea(language="en"), [partner], Weights())
    with translation.override("en"):
        assert [r.text for r in match.reasons] == ["can help in English"]
    with translation.override("sv"):
        assert "engelska" in match.reasons[0].text
