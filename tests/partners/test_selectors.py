import ast
from pathlib import Path

import pytest

from ideas.models import Idea
from partners.hooks import ReferralActivity
from partners.models import MatchingWeights, Partner
from partners.selectors import idea_profile, matching_weights, partner_profiles
from tests.factories import (
    IdeaFactory,
    PartnerFactory,
    SupportKindFactory,
    ThemeFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def test_the_stored_weights_are_used_and_the_defaults_before_any_are_saved():
    assert matching_weights().themes == MatchingWeights().themes
    MatchingWeights.objects.create(id=1, themes=9, acceptance=0)
    assert matching_weights().themes == 9
    assert matching_weights().acceptance == 0


def test_the_profiles_carry_the_registrys_overlaps_and_the_referral_numbers_passed_in():
    broadband, housing = ThemeFactory(slug="bb"), ThemeFactory(slug="housing")
    premises = SupportKindFactory(slug="premises")
    idea = IdeaFactory(themes=[broadband], municipality=municipality("1863"))
    idea.support_wanted.set([premises])
    partner = PartnerFactory(capacity=4, languages=["sv", "ar"])
    partner.themes.set([broadband, housing])
    partner.support_kinds.set([premises])
    partner.municipalities.set([municipality("1863"), municipality("1880")])
    other = PartnerFactory(languages=["en"])
    PartnerFactory(is_active=False, contacts=0)

    loaded = {
        p.id: p
        for p in partner_profiles(
            idea_profile(idea), open_referrals={partner.pk: 3}, similar_answers={partner.pk: (1, 2)}
        )
    }
    assert set(loaded) == {partner.pk, other.pk}
    mine = loaded[partner.pk]
    assert (mine.themes, mine.support_kinds) == ({broadband.pk}, {premises.pk})
    assert mine.municipalities == {municipality("1863").pk}
    assert (mine.languages, mine.capacity, mine.slug) == (("sv",), 4, partner.slug)
    assert (mine.open_referrals, mine.similar_accepted, mine.similar_answered) == (3, 1, 2)
    theirs = loaded[other.pk]
    assert (theirs.themes, theirs.languages, theirs.open_referrals) == (frozenset(), (), 0)


def test_a_county_wide_idea_counts_every_municipality_a_partner_covers():
    idea = IdeaFactory(municipality=municipality("18"))  # the county's own code
    partner = PartnerFactory()
    partner.municipalities.set([municipality("1863"), municipality("1880")])
    [loaded] = partner_profiles(idea_profile(idea))
    assert loaded.municipalities == {municipality("1863").pk, municipality("1880").pk}


def test_without_triage_a_partner_has_no_referrals():
    partner = PartnerFactory(capacity=3)
    activity = ReferralActivity()
    assert activity.with_open_referrals(Partner.objects.all()).get().open_referrals == 0
    stats = activity.stats(partner)
    assert (stats.open_referrals, stats.free_places, stats.acceptance_rate) == (0, 3, None)
    assert activity.open_referrals(partner) == []


def test_the_partners_app_does_not_reach_into_triage():
    """Not by an import at any level, nor through the referrals' reverse relation or its
    model's metadata, nor by naming a triage page in its templates."""
    for path in Path("partners").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]
            for name in names:
                assert not name.startswith("triage"), (path, name)
                assert name not in ("referrals", "related_model"), (path, name)
                assert not name.startswith("referrals__"), (path, name)
    for path in Path("templates/partners").rglob("*.html"):
        assert "triage:" not in path.read_text(), path


def test_an_idea_in_easy_to_read_swedish_is_met_by_partners_that_speak_swedish():
    idea = IdeaFactory(language="sv-easy")
    assert idea_profile(idea).language == "sv"


def test_an_idea_page_that_prefetched_the_vocabulary_gets_the_same_profile_without_a_query(
    django_assert_num_queries,
):
    broadband, housing = ThemeFactory(slug="bb"), ThemeFactory(slug="housing")
    premises = SupportKindFactory(slug="premises")
    idea = IdeaFactory(themes=[broadband, housing])
    idea.support_wanted.set([premises])
    loaded = Idea.objects.select_related("municipality").get(pk=idea.pk)
    with django_assert_num_queries(2):
        fresh = idea_profile(loaded)
    prefetched = (
        Idea.objects.select_related("municipality")
        .prefetch_related("themes", "support_wanted")
        .get(pk=idea.pk)
    )
    with django_assert_num_queries(0):
        profile = idea_profile(prefetched)
    assert profile == fresh
    assert (profile.themes, profile.support_wanted) == ({broadband.pk, housing.pk}, {premises.pk})
    assert (
        profile.theme_names
        == fresh.theme_names
        == {broadband.pk: broadband.name, housing.pk: housing.name}
    )


def test_matching_counts_the_places_the_registry_pages_show_for_each_partner():
    # `Partner.places` and `places_sql` are one seam (for the stated availability to come):
    # matching and the partner's pages must read the same number.
    partners = [PartnerFactory(capacity=places) for places in (0, 3, 12)]
    profile = idea_profile(IdeaFactory())
    loaded = {p.id: p.capacity for p in partner_profiles(profile)}
    assert loaded == {partner.pk: partner.places for partner in partners}
    assert ReferralActivity().stats(partners[1]).free_places == partners[1].places == 3
