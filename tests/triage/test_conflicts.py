import pytest
from django.urls import reverse

from tests.factories import (
    ConflictDeclarationFactory,
    CriterionFactory,
    IdeaFactory,
    MembershipFactory,
    PartnerFactory,
    ReviewFactory,
    ScoreFactory,
    ThemeFactory,
)
from triage import selectors
from triage.models import ConflictDeclaration

pytestmark = pytest.mark.django_db


def _page(client, idea):
    return client.get(reverse("triage:idea_detail", args=[idea.reference]))


def test_a_member_is_prompted_when_the_idea_comes_from_their_organisation(
    committee_client, committee_member
):
    partner = PartnerFactory(name="Byalaget Ramsberg")
    MembershipFactory(member=committee_member, partner=partner)
    idea = IdeaFactory(in_review=True, organisation_name="  byalaget RAMSBERG ")
    response = _page(committee_client, idea)
    assert response.context["conflict_prompt"] == [partner]
    assert "Byalaget Ramsberg" in response.content.decode()


def test_no_prompt_for_an_idea_from_another_organisation(committee_client, committee_member):
    MembershipFactory(member=committee_member, partner=PartnerFactory(name="Byalaget Ramsberg"))
    theme = ThemeFactory(slug="hembygd")
    idea = IdeaFactory(in_review=True, organisation_name="Nora hembygdsförening",
                       themes=[theme])
    # Five partners that match better, so that the member's own is not a top suggestion.
    for partner in PartnerFactory.create_batch(5):
        partner.themes.set([theme])
    assert _page(committee_client, idea).context["conflict_prompt"] == []


def test_a_member_is_prompted_when_their_organisation_is_a_top_suggestion(committee_member):
    theme = ThemeFactory(slug="fiber")
    partner = PartnerFactory(name="Fiberföreningen")
    partner.themes.set([theme])
    idea = IdeaFactory(in_review=True, themes=[theme])
    MembershipFactory(member=committee_member, partner=partner)
    suggestions = selectors.partner_suggestions(idea)
    if suggestions is None:
        pytest.skip("partners.selectors.suggestions_for_idea is not there yet")
    reasons = selectors.conflict_reasons(
        idea=idea, organisations=selectors.member_organisations(committee_member),
        suggestions=suggestions)
    assert reasons == [partner]


def test_declaring_a_conflict_is_recorded_and_stops_scoring(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    response = committee_client.post(reverse("triage:idea_conflict", args=[idea.reference]),
                                     {"reason": "Jag sitter i styrelsen."})
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(idea=idea, member=committee_member)
    assert declaration.reason == "Jag sitter i styrelsen."
    page = _page(committee_client, idea)
    assert page.context["declared_conflict"]
    assert page.context["review_form"] is None
    # Declaring twice keeps the first record.
    committee_client.post(reverse("triage:idea_conflict", args=[idea.reference]), {"reason": ""})
    assert ConflictDeclaration.objects.get().reason == "Jag sitter i styrelsen."


def test_a_member_with_a_conflict_is_left_out_of_the_aggregate(coordinator_client):
    criterion = CriterionFactory(name="Enda", weight=1)
    idea = IdeaFactory(in_review=True)
    fair = ReviewFactory(idea=idea, submitted=True)
    ScoreFactory(review=fair, criterion=criterion, value=2)
    biased = ReviewFactory(idea=idea, submitted=True)
    ScoreFactory(review=biased, criterion=criterion, value=5)
    ConflictDeclarationFactory(idea=idea, member=biased.member)

    response = _page(coordinator_client, idea)

    assert response.context["aggregate"].count == 1
    assert response.context["aggregate"].mean == pytest.approx(2.0)
    assert response.context["submitted_count"] == 1
