import pytest
from django.core import mail
from django.urls import reverse

from portal.roles import Role
from tests.factories import (
    ConflictDeclarationFactory,
    CriterionFactory,
    IdeaFactory,
    MembershipFactory,
    PartnerFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    ScoreFactory,
    ThemeFactory,
    UserFactory,
)
from triage.insights.digest import digest_send_weekly
from triage.models import ConflictDeclaration
from triage.referrals.suggestions import partner_suggestions
from triage.review import selectors
from triage.review.services import conflict_withdraw

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
    idea = IdeaFactory(in_review=True, organisation_name="Nora hembygdsförening", themes=[theme])
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
    suggestions = partner_suggestions(idea)
    if suggestions is None:
        pytest.skip("partners.selectors.suggestions_for_idea is not there yet")
    reasons = selectors.conflict_reasons(
        idea=idea,
        organisations=selectors.member_organisations(committee_member),
        suggestions=suggestions,
    )
    assert reasons == [partner]


def test_declaring_a_conflict_is_recorded_and_stops_scoring(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    response = committee_client.post(
        reverse("triage:idea_conflict", args=[idea.reference]),
        {"reason": "Jag sitter i styrelsen."},
    )
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


# -- a declared conflict leaves the member out of everything that counts reviews -------------


def _dashboard(client, **query) -> str:
    return client.get(reverse("triage:dashboard"), query).content.decode()


def _row(page: str, title: str) -> str:
    return page[page.index(title) :].split("</tr>")[0]


def test_a_member_with_a_conflict_is_not_counted_as_a_missing_review_on_the_dashboard(
    committee_client, committee_member
):
    idea = IdeaFactory(in_review=True, title="Bybuss i Tiveden")
    other = UserFactory()
    ReviewAssignmentFactory(idea=idea, member=other)
    ReviewFactory(idea=idea, member=other, submitted=True)
    ReviewAssignmentFactory(idea=idea, member=committee_member)
    # A review submitted before the declaration does not count either.
    ReviewFactory(idea=idea, member=committee_member, submitted=True)
    ConflictDeclarationFactory(idea=idea, member=committee_member)

    row = _row(_dashboard(committee_client), "Bybuss i Tiveden")

    assert "<td>1/1</td>" in row
    assert "2/2" not in row and "1/2" not in row
    assert "Du har anmält jäv" in row


def test_not_scored_by_me_leaves_out_the_ideas_i_declared_a_conflict_on(
    committee_client, committee_member
):
    IdeaFactory(in_review=True, title="Att bedöma")
    conflicted = IdeaFactory(in_review=True, title="Jävig idé")
    ConflictDeclarationFactory(idea=conflicted, member=committee_member)

    page = _dashboard(committee_client, not_scored_by_me="true")

    assert "Att bedöma" in page
    assert "Jävig idé" not in page


def test_the_cached_dashboard_follows_a_declaration_and_its_withdrawal_at_once(
    committee_client, committee_member
):
    idea = IdeaFactory(in_review=True, title="Cachad jävsidé")
    ReviewAssignmentFactory(idea=idea, member=committee_member)
    assert "<td>0/1</td>" in _row(_dashboard(committee_client), "Cachad jävsidé")

    committee_client.post(reverse("triage:idea_conflict", args=[idea.reference]), {"reason": ""})
    assert "<td>0</td>" in _row(_dashboard(committee_client), "Cachad jävsidé")
    assert "Cachad jävsidé" not in _dashboard(committee_client, not_scored_by_me="true")

    committee_client.post(reverse("triage:idea_conflict_withdraw", args=[idea.reference]))
    assert "<td>0/1</td>" in _row(_dashboard(committee_client), "Cachad jävsidé")
    assert "Cachad jävsidé" in _dashboard(committee_client, not_scored_by_me="true")


def test_the_agenda_counts_an_idea_ready_when_only_a_conflicted_member_has_not_scored(
    committee_client, committee_member
):
    idea = IdeaFactory(in_review=True, title="Jävsklar idé")
    done = UserFactory()
    ReviewAssignmentFactory(idea=idea, member=done)
    ReviewFactory(idea=idea, member=done, submitted=True)
    ReviewAssignmentFactory(idea=idea, member=committee_member)
    declaration = ConflictDeclarationFactory(idea=idea, member=committee_member)

    page = committee_client.get(reverse("triage:meeting")).content.decode()
    assert "Jävsklar idé" in page
    assert "1 bedömning." in page
    assert "Du har anmält jäv för den här idén och ser därför inte dess poäng." in page
    assert "visas när du har lämnat in din egen bedömning" not in page

    conflict_withdraw(idea=idea, member=committee_member, actor=committee_member)
    declaration.refresh_from_db()
    page = committee_client.get(reverse("triage:meeting")).content.decode()
    assert "Jävsklar idé" not in page  # the member's review is missing again


def test_the_digest_does_not_ask_a_member_for_a_review_they_stand_aside_from(
    django_capture_on_commit_callbacks,
):
    member = UserFactory(username="lina", roles=[Role.COMMITTEE_MEMBER])
    waiting = IdeaFactory(title="Väntar på Lina")
    conflicted = IdeaFactory(title="Lina är jävig")
    ReviewAssignmentFactory(idea=waiting, member=member)
    ReviewAssignmentFactory(idea=conflicted, member=member)
    ConflictDeclarationFactory(idea=conflicted, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        digest_send_weekly()

    body = next(m for m in mail.outbox if m.to == [member.email]).body
    assert "1 bedömning väntar på dig" in body
    assert f"{waiting.title}: " in body
    assert f"{conflicted.title}: " not in body


def test_a_member_with_a_conflict_reads_why_they_see_no_scores(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    ReviewFactory(idea=idea, submitted=True, comment="Andras kommentar")
    ConflictDeclarationFactory(idea=idea, member=committee_member)

    page = _page(committee_client, idea).content.decode()

    assert "Du har anmält jäv för den här idén och ser därför inte dess poäng." in page
    assert "visas när du har lämnat in din egen bedömning" not in page
    assert "Andras kommentar" not in page
    assert "Lämna in bedömningen" not in page


def test_a_member_who_scored_and_then_declared_a_conflict_sees_the_conflict_message(
    committee_client, committee_member
):
    idea = IdeaFactory(in_review=True)
    ReviewFactory(idea=idea, submitted=True, comment="Andras kommentar")
    ReviewFactory(idea=idea, member=committee_member, submitted=True)
    ConflictDeclarationFactory(idea=idea, member=committee_member)

    page = _page(committee_client, idea).content.decode()

    assert "Du har anmält jäv för den här idén och ser därför inte dess poäng." in page
    assert "Andras kommentar" not in page
    assert "1 ledamot har poängsatt." in page


def test_a_member_withdraws_a_declaration_and_both_stay_on_record(
    committee_client, committee_member
):
    idea = IdeaFactory(in_review=True)
    committee_client.post(
        reverse("triage:idea_conflict", args=[idea.reference]),
        {"reason": "Min syster driver föreningen."},
    )
    page = _page(committee_client, idea).content.decode()
    assert "Återkalla min jävsanmälan" in page

    response = committee_client.post(
        reverse("triage:idea_conflict_withdraw", args=[idea.reference]), follow=True
    )

    page = response.content.decode()
    assert "Din jävsanmälan är återkallad. Du kan poängsätta idén igen." in page
    assert "Lämna in bedömningen" in page  # the review form is back
    assert "ledamot anmälde jäv" in page and "återkallad av ledamot" in page
    declaration = ConflictDeclaration.objects.get(idea=idea, member=committee_member)
    assert declaration.withdrawn_by == committee_member
    assert declaration.withdrawn_at is not None
    assert declaration.reason == "Min syster driver föreningen."

    # Declaring again is a new declaration; the withdrawn one stays.
    committee_client.post(reverse("triage:idea_conflict", args=[idea.reference]), {"reason": ""})
    assert ConflictDeclaration.objects.filter(idea=idea, member=committee_member).count() == 2
    assert ConflictDeclaration.objects.active().filter(idea=idea).count() == 1


def test_withdrawing_without_a_declaration_says_so(committee_client):
    idea = IdeaFactory(in_review=True)
    response = committee_client.post(
        reverse("triage:idea_conflict_withdraw", args=[idea.reference]), follow=True
    )
    assert "Du har inget anmält jäv för den här idén." in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_a_partner_contact_cannot_withdraw_a_conflict(client, partner_contact):
    idea = IdeaFactory(in_review=True)
    declaration = ConflictDeclarationFactory(idea=idea)
    client.force_login(partner_contact)
    response = client.post(reverse("triage:idea_conflict_withdraw", args=[idea.reference]))
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None
