import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.roles import Role
from tests.factories import (
    ConflictDeclarationFactory,
    CriterionFactory,
    IdeaFactory,
    ReviewFactory,
    ScoreFactory,
    UserFactory,
)
from triage.models import Criterion, Review, Score
from triage.review import selectors
from triage.review.services import ReviewError, review_save

pytestmark = pytest.mark.django_db


def test_the_demo_criteria_are_loaded_by_the_migration():
    names = list(Criterion.objects.filter(is_active=True).values_list("name", flat=True))
    assert names == [
        "Samhällsbehov",
        "Nyhetsvärde",
        "Genomförbarhet",
        "Lokal förankring och civilsamhällets ägarskap",
        "Räckvidd på landsbygden",
        "Potential för samverkan",
    ]


def test_the_database_refuses_a_score_outside_1_to_5():
    score = ScoreFactory()
    for value in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            Score.objects.filter(pk=score.pk).update(value=value)
    Score.objects.filter(pk=score.pk).update(value=None)  # "cannot judge"


def test_a_member_scores_a_criterion_once_per_idea():
    score = ScoreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(review=score.review, criterion=score.criterion, value=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(idea=score.review.idea, member=score.review.member)


def test_a_submitted_review_needs_a_recommendation():
    review = ReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(submitted_at="2026-11-27T10:00:00Z")


def _post_review(client, idea, *, submit=True, **scores):
    data = {"recommendation": "refer", "comment": "Bra idé"}
    for criterion in Criterion.objects.filter(is_active=True):
        data[f"score_{criterion.pk}"] = scores.get(criterion.name, "4")
    data["submit" if submit else "draft"] = "1"
    return client.post(reverse("triage:idea_review", args=[idea.reference]), data)


def test_a_member_submits_a_review_with_a_score_per_criterion(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    response = _post_review(committee_client, idea, **{"Nyhetsvärde": "none"})
    assert response.status_code == 302
    review = Review.objects.get(idea=idea, member=committee_member)
    assert review.submitted_at is not None
    assert review.scores.count() == 6
    assert review.scores.get(criterion__name="Nyhetsvärde").value is None


def test_submitting_needs_every_criterion_answered(committee_client):
    idea = IdeaFactory(in_review=True)
    response = _post_review(committee_client, idea, **{"Nyhetsvärde": ""})
    assert response.status_code == 400
    page = response.content.decode()
    # The message next to the criterion left empty, not just the "cannot judge" choice.
    assert "Ge en poäng från 1 till 5, eller välj ”Kan inte bedöma”." in page
    assert "Cannot judge" not in page
    assert not Review.objects.exists()


def test_a_draft_is_saved_without_counting(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    _post_review(committee_client, idea, submit=False)
    review = Review.objects.get(member=committee_member)
    assert review.submitted_at is None
    assert selectors.aggregate([review], set()).count == 0


def test_others_scores_are_hidden_until_the_member_has_submitted(
    committee_client, committee_member
):
    idea = IdeaFactory(in_review=True)
    other = ReviewFactory(
        idea=idea, member=UserFactory(username="annan"), submitted=True, comment="Hemlig kommentar"
    )
    ScoreFactory(review=other, criterion=Criterion.objects.first(), value=5)

    before = committee_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert "Hemlig kommentar" not in before.content.decode()
    assert before.context["aggregate"] is None

    _post_review(committee_client, idea)
    after = committee_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert "Hemlig kommentar" in after.content.decode()
    assert after.context["aggregate"].count == 2


def test_the_coordinator_sees_the_scores_without_reviewing(coordinator_client):
    idea = IdeaFactory(in_review=True)
    ReviewFactory(idea=idea, submitted=True, comment="Synlig för samordnaren")
    page = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert "Synlig för samordnaren" in page.content.decode()


def test_the_weighted_mean_spread_and_count():
    heavy = CriterionFactory(name="Tung", weight=3)
    light = CriterionFactory(name="Lätt", weight=1)
    idea = IdeaFactory(in_review=True)
    first = ReviewFactory(idea=idea, submitted=True)
    ScoreFactory(review=first, criterion=heavy, value=5)
    ScoreFactory(review=first, criterion=light, value=1)  # (15 + 1) / 4 = 4
    second = ReviewFactory(idea=idea, submitted=True)
    ScoreFactory(review=second, criterion=heavy, value=2)
    ScoreFactory(review=second, criterion=light, value=None)  # cannot judge: 2
    ReviewFactory(idea=idea)  # a draft does not count

    result = selectors.aggregate(list(idea.reviews.all()), set())

    assert result.count == 2
    assert result.mean == pytest.approx(3.0)
    assert result.spread == pytest.approx(2.0)
    by_name = {row.criterion.name: row for row in result.per_criterion}
    assert by_name["Tung"].mean == pytest.approx(3.5)
    assert by_name["Lätt"].count == 1


def test_the_page_shows_the_mean_spread_and_how_many_have_scored(coordinator_client):
    criterion = Criterion.objects.first()
    idea = IdeaFactory(in_review=True)
    for value in (2, 4):
        ScoreFactory(
            review=ReviewFactory(idea=idea, submitted=True), criterion=criterion, value=value
        )
    response = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert response.context["submitted_count"] == 2
    assert response.context["aggregate"].mean == pytest.approx(3.0)
    assert response.context["aggregate"].spread == pytest.approx(2.0)


def test_an_idea_that_is_not_being_reviewed_cannot_be_scored(committee_member):
    idea = IdeaFactory(referred=True)
    with pytest.raises(ReviewError):
        review_save(
            idea=idea, member=committee_member, scores={}, recommendation="refer", submit=True
        )


def test_a_member_with_a_declared_conflict_cannot_score(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    ConflictDeclarationFactory(idea=idea, member=committee_member)
    response = _post_review(committee_client, idea)
    assert response.status_code == 400
    assert not Review.objects.exists()
    page = committee_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert page.context["review_form"] is None


def test_a_partner_contact_cannot_post_a_review(client):
    client.force_login(UserFactory(roles=[Role.PARTNER_CONTACT]))
    idea = IdeaFactory(in_review=True)
    assert _post_review(client, idea).status_code == 403
    assert not Review.objects.exists()


def test_the_coordinator_manages_the_criteria(coordinator_client):
    response = coordinator_client.post(
        reverse("triage:criterion_list"),
        {
            "name": "Hållbarhet",
            "description": "Miljö",
            "weight": "2",
            "order": "70",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    criterion = Criterion.objects.get(name="Hållbarhet")
    response = coordinator_client.post(
        reverse("triage:criterion_edit", args=[criterion.pk]),
        {"name": "Hållbarhet", "description": "", "weight": "1.5", "order": "70"},
    )
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.is_active) == (pytest.approx(1.5), False)


def test_a_criterion_needs_a_positive_weight(coordinator_client):
    response = coordinator_client.post(
        reverse("triage:criterion_list"), {"name": "Noll", "weight": "0", "order": "1"}
    )
    assert response.status_code == 400
    assert not Criterion.objects.filter(name="Noll").exists()


def test_a_committee_member_cannot_manage_the_criteria(committee_client):
    assert committee_client.get(reverse("triage:criterion_list")).status_code == 403


def test_each_criterion_group_is_described_by_its_description_and_which_end_is_best(
    committee_client, committee_member
):
    """WCAG 1.3.1 and 3.3.2: the description is tied to the criterion's radio group, and the
    scale says that 5 is best, beside the numbers and in the group's description."""
    idea = IdeaFactory(in_review=True)
    criterion = Criterion.objects.get(name="Samhällsbehov")
    Criterion.objects.filter(pk=criterion.pk).update(description="Hur stort är behovet?")
    page = committee_client.get(
        reverse("triage:idea_detail", args=[idea.reference]), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    field = f"score_{criterion.pk}"
    fieldset = re.search(rf'<fieldset[^>]*aria-describedby="([^"]*id_{field}_helptext[^"]*)"', page)
    assert fieldset, "the criterion's group is not described by its help text"
    helptext = re.search(rf'id="id_{field}_helptext"[^>]*>(.*?)</', page, re.S).group(1)
    assert "Hur stort är behovet?" in helptext and "1 är svagast, 5 är bäst." in helptext
    assert re.search(rf'for="id_{field}_0"[^>]*>\s*1 \(svagast\)', page)
    assert re.search(rf'for="id_{field}_4"[^>]*>\s*5 \(bäst\)', page)
