from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from ideas.models import OrganisationKind
from partners import hooks
from partners.selectors import idea_profile
from tests.factories import (
    IdeaFactory,
    PartnerFactory,
    ReferralFactory,
    SupportKindFactory,
    ThemeFactory,
    municipality,
)
from triage.referrals.registry_activity import (
    RegistryActivity,
    partner_profiles_and_referred,
    suggestions_for_idea,
)

pytestmark = pytest.mark.django_db


def _partners(count: int, theme, support) -> list:
    made = []
    for index in range(count):
        partner = PartnerFactory(capacity=3, languages=["sv", "en"])
        partner.themes.set([theme])
        partner.support_kinds.set([support])
        partner.municipalities.set([municipality("1863" if index % 2 else "1880")])
        made.append(partner)
    return made


def _queries_for(idea) -> int:
    with CaptureQueriesContext(connection) as queries:
        suggestions = suggestions_for_idea(idea)
        [suggestion.reasons for suggestion in suggestions]
    return len(queries.captured_queries)


def test_loading_the_suggestions_takes_as_many_queries_for_50_partners_as_for_5():
    theme, support = ThemeFactory(), SupportKindFactory()
    idea = IdeaFactory(themes=[theme])
    idea.support_wanted.set([support])
    past = IdeaFactory(themes=[theme])
    partners = _partners(5, theme, support)
    ReferralFactory(idea=past, partner=partners[0], state="accepted")
    few = _queries_for(idea)
    more = _partners(45, theme, support)
    ReferralFactory(idea=past, partner=more[0], state="declined")
    ReferralFactory(idea=idea, partner=more[1], state="sent")
    assert len(suggestions_for_idea(idea)) == 50
    assert _queries_for(idea) == few


def test_the_profiles_carry_the_overlaps_counts_and_past_answers_of_each_partner():
    broadband, housing = ThemeFactory(slug="bb"), ThemeFactory(slug="housing")
    premises = SupportKindFactory(slug="premises")
    idea = IdeaFactory(
        themes=[broadband],
        municipality=municipality("1863"),
        organisation_kind=OrganisationKind.ASSOCIATION,
    )
    idea.support_wanted.set([premises])
    partner = PartnerFactory(capacity=4, languages=["sv", "ar"])
    partner.themes.set([broadband, housing])
    partner.support_kinds.set([premises])
    partner.municipalities.set([municipality("1863")])
    ReferralFactory(partner=partner, state="sent")
    ReferralFactory(partner=partner, state="question")
    ReferralFactory(partner=partner, idea=IdeaFactory(themes=[broadband]), state="accepted")
    ReferralFactory(partner=partner, idea=IdeaFactory(themes=[broadband]), state="declined")
    ReferralFactory(partner=partner, idea=IdeaFactory(themes=[housing]), state="accepted")
    PartnerFactory(is_active=False, contacts=0)

    profile = idea_profile(idea)
    assert profile.from_civil_society and profile.themes == {broadband.pk}
    [loaded], referred = partner_profiles_and_referred(profile)
    assert referred == set()
    assert loaded.themes == {broadband.pk}
    assert loaded.support_kinds == {premises.pk}
    assert loaded.municipalities == {municipality("1863").pk}
    assert loaded.languages == ("sv",)
    assert loaded.open_referrals == 4  # sent, question and the two accepted still open
    assert (loaded.similar_accepted, loaded.similar_answered) == (1, 2)

    stats = hooks.referral_activity.stats(partner)
    assert (stats.open_referrals, stats.accepted, stats.answered) == (4, 2, 3)
    assert stats.acceptance_rate == 67


def test_suggestions_mark_partners_already_referred_for_the_idea():
    idea = IdeaFactory(in_review=True)
    partner = PartnerFactory()
    ReferralFactory(idea=idea, partner=partner)
    [suggestion] = suggestions_for_idea(idea)
    assert suggestion.already_referred


def test_answers_about_the_idea_itself_do_not_count_as_answers_about_similar_ideas():
    theme = ThemeFactory()
    idea = IdeaFactory(in_review=True, themes=[theme])
    partner = PartnerFactory()
    partner.themes.set([theme])
    ReferralFactory(idea=idea, partner=partner, state="declined")
    ReferralFactory(idea=IdeaFactory(themes=[theme]), partner=partner, state="support_finished")
    [suggestion] = suggestions_for_idea(idea)
    assert (suggestion.partner.similar_accepted, suggestion.partner.similar_answered) == (1, 1)
    assert suggestion.already_referred and suggestion.partner.open_referrals == 0


def test_triage_gives_the_partner_registry_its_referral_numbers():
    assert isinstance(hooks.referral_activity, RegistryActivity)


def test_recent_declines_on_the_ideas_themes_lower_the_partners_rank_in_a_fixed_query_count(
    settings, django_assert_num_queries
):
    settings.MATCHING_DECLINE_WINDOW_DAYS = 90
    broadband, housing = ThemeFactory(slug="bb"), ThemeFactory(slug="housing")
    idea = IdeaFactory(in_review=True, themes=[broadband], municipality=municipality("1863"))
    declining, steady = PartnerFactory(name="Alfa"), PartnerFactory(name="Beta")
    for partner in (declining, steady):
        partner.themes.set([broadband])
        partner.municipalities.set([municipality("1863")])
    now = timezone.now()

    def answered(partner, theme, state, days_ago):
        ReferralFactory(
            partner=partner,
            idea=IdeaFactory(themes=[theme]),
            state=state,
            answered_at=now - timedelta(days=days_ago),
        )

    answered(declining, broadband, "declined", 10)  # counts
    answered(declining, broadband, "declined", 200)  # too long ago
    answered(declining, housing, "declined", 5)  # another theme
    answered(steady, broadband, "accepted", 10)
    # As many as without declines: they are counted in the same read as the past answers.
    with django_assert_num_queries(7):
        ranked = suggestions_for_idea(idea)
        [(s.reasons, s.concerns) for s in ranked]
    assert [s.partner.name for s in ranked] == ["Beta", "Alfa"]
    alfa = ranked[1]
    assert alfa.partner.recent_declines == 1
    assert (alfa.partner.similar_accepted, alfa.partner.similar_answered) == (0, 2)
    with translation.override("sv"):
        assert "tackade nej till 1 idé på samma tema de senaste 90 dagarna" in [
            c.text for c in alfa.concerns
        ]
    assert ranked[0].partner.recent_declines == 0


def test_the_agenda_counts_a_partners_recent_declines_as_the_ideas_page_does(settings):
    from triage.referrals.suggestions import partner_suggestions_for_ideas

    settings.MATCHING_DECLINE_WINDOW_DAYS = 90
    broadband, housing = ThemeFactory(slug="bb"), ThemeFactory(slug="housing")
    fibre = IdeaFactory(in_review=True, themes=[broadband], municipality=municipality("1863"))
    homes = IdeaFactory(in_review=True, themes=[housing], municipality=municipality("1863"))
    declining, steady = PartnerFactory(name="Alfa"), PartnerFactory(name="Beta")
    for partner in (declining, steady):
        partner.themes.set([broadband, housing])
        partner.municipalities.set([municipality("1863")])
    now = timezone.now()
    for days_ago in (10, 20, 200):
        ReferralFactory(
            partner=declining,
            idea=IdeaFactory(themes=[broadband]),
            state="declined",
            answered_at=now - timedelta(days=days_ago),
        )
    ideas = list(
        type(fibre)
        .objects.filter(pk__in=[fibre.pk, homes.pk])
        .select_related("municipality")
        .prefetch_related("themes", "support_wanted")
    )

    batched = partner_suggestions_for_ideas(ideas)

    for idea in ideas:
        alone = suggestions_for_idea(type(idea).objects.get(pk=idea.pk))
        assert [(m.partner.name, m.score, m.partner.recent_declines) for m in batched[idea.pk]] == [
            (m.partner.name, m.score, m.partner.recent_declines) for m in alone
        ]
        assert [[c.text for c in m.concerns] for m in batched[idea.pk]] == [
            [c.text for c in m.concerns] for m in alone
        ]
    # Two declines on broadband in the window lower Alfa for fibre, not for housing.
    assert [m.partner.name for m in batched[fibre.pk]] == ["Beta", "Alfa"]
    assert batched[fibre.pk][1].partner.recent_declines == 2
    assert [m.partner.recent_declines for m in batched[homes.pk]] == [0, 0]
