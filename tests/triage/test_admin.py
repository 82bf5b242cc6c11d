"""The admin goes through the services: a referral's state, reviews and scores and the matching
weights cannot be changed around them, edits of an idea's personal fields are recorded, and the
administrator does not score."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from ideas import workflow
from ideas.models import Idea
from partners.models import MatchingWeights
from tests.factories import (
    CriterionFactory,
    IdeaFactory,
    ReferralFactory,
    ReviewFactory,
    UserFactory,
)
from triage.models import ReferralState, Review
from triage.review.services import ReviewError, review_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


def test_the_admin_cannot_change_a_referrals_state_around_the_service(admin_client):
    referral = ReferralFactory()
    url = reverse("admin:triage_referral_change", args=[referral.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="state"' not in page
    admin_client.post(
        url,
        {"state": ReferralState.ACCEPTED, "idea": referral.idea_id, "partner": referral.partner_id},
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_the_admin_cancels_a_referral_through_the_service_and_the_idea_follows(admin_client):
    referral = ReferralFactory()
    response = admin_client.post(
        reverse("admin:triage_referral_changelist"),
        {"action": "cancel_referrals", "_selected_action": [referral.pk]},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.CANCELLED
    event = referral.events.order_by("-pk").first()
    assert (event.from_state, event.to_state, event.actor) == (
        ReferralState.SENT,
        ReferralState.CANCELLED,
        admin_client.user,
    )
    referral.idea.refresh_from_db()
    assert referral.idea.status == workflow.Status.IN_REVIEW  # it was the only open referral


def test_reviews_and_scores_are_read_only_in_the_admin(admin_client):
    review = ReviewFactory(recommendation="refer")
    url = reverse("admin:triage_review_change", args=[review.pk])
    admin_client.post(url, {"recommendation": "decline", "comment": "Ändrad"})
    review.refresh_from_db()
    assert (review.recommendation, review.comment) != ("decline", "Ändrad")
    assert admin_client.get(reverse("admin:triage_review_add")).status_code == 403


def test_the_administrator_does_not_score(admin_client):
    idea = IdeaFactory(in_review=True)
    criterion = CriterionFactory()
    page = admin_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    assert page.context["review_form"] is None
    with pytest.raises(ReviewError):
        review_save(
            idea=idea,
            member=admin_client.user,
            scores={criterion: (5, "")},
            recommendation="refer",
            submit=True,
        )
    response = admin_client.post(
        reverse("triage:idea_review", args=[idea.reference]),
        {f"score_{criterion.pk}": "5", "recommendation": "refer", "submit": "1"},
    )
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_matching_weights_saved_in_the_admin_go_through_the_service(admin_client):
    values = {
        "themes": 3,
        "support": 3,
        "geography": 3,
        "civil_society": 3,
        "language": 3,
        "capacity": 3,
        "acceptance": 3,
    }
    admin_client.post(reverse("admin:partners_matchingweights_add"), values)
    weights = MatchingWeights.objects.get()
    assert weights.updated_by == admin_client.user and weights.themes == 3
    admin_client.post(
        reverse("admin:partners_matchingweights_change", args=[weights.pk]),
        {**values, **{name: 0 for name in values}},
    )
    weights.refresh_from_db()
    assert weights.themes == 3  # all zero is refused by the service's checks


def test_an_edit_of_an_ideas_personal_fields_in_the_admin_is_recorded(admin_client):
    idea = IdeaFactory(submitter_email="gammal@example.org")
    url = reverse("admin:ideas_idea_change", args=[idea.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "submitter_email": "ny@example.org",
            "themes": [theme.pk for theme in idea.themes.all()],
            **{
                f"{prefix}-{key}": value
                for prefix in ("events", "questions", "attachments")
                for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
        }
    )
    data["events-TOTAL_FORMS"] = data["events-INITIAL_FORMS"] = idea.events.count()
    for index, event in enumerate(idea.events.all()):
        data[f"events-{index}-id"] = event.pk
        data[f"events-{index}-idea"] = idea.pk
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Idea.objects.get(pk=idea.pk).submitter_email == "ny@example.org"
    entry = LogEntry.objects.get(object_id=str(idea.pk))
    assert entry.user == admin_client.user and entry.action_time
    # Which fields, never their values.
    assert json.loads(entry.change_message) == [{"changed": {"fields": ["Email"]}}]
    assert entry.get_change_message() == "Ändrade E-post."
    assert "ny@example.org" not in entry.change_message
    assert "gammal@example.org" not in entry.change_message
