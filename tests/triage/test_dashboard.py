from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from ideas.models import Channel, IdeaEvent
from portal.roles import Role
from tests.factories import (
    IdeaFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    SupportKindFactory,
    ThemeFactory,
    UserFactory,
    municipality,
)
from triage.models import ReviewAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()


def _titles(response) -> set[str]:
    return {idea.title for idea in response.context["page"].object_list}


def test_the_inbox_counts_ideas_per_status_and_marks_those_waiting_too_long(
    committee_client, settings
):
    settings.TRIAGE_AGEING_DAYS = 10
    IdeaFactory.create_batch(2)
    old = IdeaFactory(title="Gammal idé", created_at=timezone.now() - timedelta(days=30))
    IdeaEvent.objects.filter(idea=old).update(created_at=timezone.now() - timedelta(days=30))
    IdeaFactory(in_review=True)

    response = committee_client.get(reverse("triage:dashboard"))

    counts = {count.status: count for count in response.context["counts"]}
    assert counts[workflow.Status.RECEIVED].total == 3
    assert counts[workflow.Status.RECEIVED].ageing == 1
    assert counts[workflow.Status.IN_REVIEW].total == 1
    assert counts[workflow.Status.IN_REVIEW].ageing == 0
    ageing = [idea.title for idea in response.context["page"] if idea.is_ageing]
    assert ageing == ["Gammal idé"]
    page = response.content.decode()
    assert page[page.index("Gammal idé") :].split("</tr>")[0].count("Har väntat för länge") == 1
    assert "Waiting too long" not in page


def test_an_idea_whose_status_changed_recently_is_not_ageing(committee_client):
    idea = IdeaFactory(created_at=timezone.now() - timedelta(days=40))
    IdeaEvent.objects.filter(idea=idea).update(created_at=timezone.now() - timedelta(days=40))
    IdeaEvent.objects.create(idea=idea, from_status="received", to_status="screening")
    response = committee_client.get(reverse("triage:dashboard"))
    assert not response.context["page"][0].is_ageing


def test_the_filters_narrow_the_list_and_stay_in_the_url(committee_client):
    fibre = ThemeFactory(slug="fibre")
    advice = SupportKindFactory(slug="advice")
    match = IdeaFactory(
        title="Fiber i Ramsberg",
        themes=[fibre],
        is_rural=True,
        channel=Channel.CARAVAN_TOUR,
        municipality=municipality("1885"),
    )
    match.support_wanted.set([advice])
    IdeaFactory(title="Annan idé", is_rural=False)
    IdeaFactory(
        title="Fel tema",
        is_rural=True,
        channel=Channel.CARAVAN_TOUR,
        municipality=municipality("1885"),
    )
    query = {
        "theme": fibre.pk,
        "rural": "true",
        "channel": "caravan_tour",
        "municipality": municipality("1885").pk,
        "support": advice.pk,
        "status": "received",
    }

    response = committee_client.get(reverse("triage:dashboard"), query)

    assert _titles(response) == {"Fiber i Ramsberg"}
    assert response.context["query"]  # the batch form sends the filters back


def test_search_finds_words_in_the_title_and_the_description(committee_client):
    IdeaFactory(title="Bybuss till affären", description="Skjuts för äldre i byn.")
    IdeaFactory(title="Fiber", description="Bredband till alla gårdar.")
    page = committee_client.get(reverse("triage:dashboard"), {"q": "bredband"})
    assert _titles(page) == {"Fiber"}
    page = committee_client.get(reverse("triage:dashboard"), {"q": "bybuss"})
    assert _titles(page) == {"Bybuss till affären"}


def test_search_by_reference_number_finds_the_idea(committee_client):
    idea = IdeaFactory()
    IdeaFactory()
    page = committee_client.get(reverse("triage:dashboard"), {"q": idea.reference})
    assert _titles(page) == {idea.title}


def test_not_yet_scored_by_me_and_assigned_to_me(committee_client, committee_member):
    scored = IdeaFactory(title="Bedömd", in_review=True)
    ReviewFactory(idea=scored, member=committee_member, submitted=True)
    draft = IdeaFactory(title="Utkast", in_review=True)
    ReviewFactory(idea=draft, member=committee_member)
    assigned = IdeaFactory(title="Tilldelad", in_review=True)
    ReviewAssignmentFactory(idea=assigned, member=committee_member)
    ReviewAssignmentFactory(idea=scored, member=UserFactory())

    not_scored = committee_client.get(reverse("triage:dashboard"), {"not_scored_by_me": "true"})
    mine = committee_client.get(reverse("triage:dashboard"), {"assigned_to_me": "true"})

    assert _titles(not_scored) == {"Utkast", "Tilldelad"}
    assert _titles(mine) == {"Tilldelad"}


def test_the_age_filter_shows_only_ideas_waiting_too_long(committee_client):
    old = IdeaFactory(title="Gammal", created_at=timezone.now() - timedelta(days=60))
    IdeaEvent.objects.filter(idea=old).update(created_at=timezone.now() - timedelta(days=60))
    IdeaFactory(title="Ny")
    assert _titles(committee_client.get(reverse("triage:dashboard"), {"age": "ageing"})) == {
        "Gammal"
    }
    assert _titles(committee_client.get(reverse("triage:dashboard"), {"age": "week"})) == {"Ny"}


def test_sorting_by_title(committee_client):
    for title in ("Cirkus", "Ateljé", "Bastu"):
        IdeaFactory(title=title)
    response = committee_client.get(reverse("triage:dashboard"), {"sort": "title"})
    assert [idea.title for idea in response.context["page"]] == ["Ateljé", "Bastu", "Cirkus"]
    response = committee_client.get(reverse("triage:dashboard"), {"sort": "-title"})
    assert [idea.title for idea in response.context["page"]] == ["Cirkus", "Bastu", "Ateljé"]


def test_pagination_keeps_the_filters_in_the_links(committee_client):
    IdeaFactory.create_batch(55, is_rural=True)
    response = committee_client.get(reverse("triage:dashboard"), {"rural": "true"})
    assert response.context["page"].paginator.num_pages == 2
    assert "?rural=true&amp;page=2" in response.content.decode()


def test_batch_moves_selected_ideas_to_screening_through_the_workflow(committee_client):
    received = IdeaFactory()
    in_review = IdeaFactory(in_review=True)
    response = committee_client.post(
        reverse("triage:batch"),
        {
            "ideas": [received.reference, in_review.reference],
            "action": "screening",
            "query": "rural=true",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:dashboard") + "?rural=true"
    received.refresh_from_db()
    in_review.refresh_from_db()
    assert received.status == workflow.Status.SCREENING
    assert in_review.status == workflow.Status.IN_REVIEW  # the workflow refused this one
    assert received.events.last().actor.username == "ledamot"


def test_the_coordinator_assigns_reviewers_in_a_batch(coordinator_client):
    ideas = IdeaFactory.create_batch(2, in_review=True)
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    response = coordinator_client.post(
        reverse("triage:batch"),
        {
            "ideas": [idea.reference for idea in ideas],
            "action": "assign",
            "reviewers": [member.pk],
        },
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(member=member).count() == 2
    # Assigning again adds nothing.
    coordinator_client.post(
        reverse("triage:batch"),
        {"ideas": [idea.reference for idea in ideas], "action": "assign", "reviewers": [member.pk]},
    )
    assert ReviewAssignment.objects.count() == 2


def test_a_committee_member_cannot_assign_reviewers(committee_client):
    idea = IdeaFactory(in_review=True)
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    response = committee_client.post(
        reverse("triage:batch"),
        {"ideas": [idea.reference], "action": "assign", "reviewers": [member.pk]},
    )
    assert response.status_code == 403
    assert not ReviewAssignment.objects.exists()


def test_a_batch_redirect_never_leaves_the_dashboard(committee_client):
    idea = IdeaFactory()
    response = committee_client.post(
        reverse("triage:batch"),
        {"ideas": [idea.reference], "action": "screening", "query": "//evil.example.org/"},
    )
    assert response["Location"].startswith(reverse("triage:dashboard") + "?")


def test_the_list_runs_as_many_queries_for_50_ideas_as_for_5(
    committee_client, django_assert_num_queries
):
    IdeaFactory.create_batch(5)
    committee_client.get(reverse("triage:dashboard"))  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measure with the inbox counts not cached, the dearer case
    with CaptureQueriesContext(connection) as five:
        assert committee_client.get(reverse("triage:dashboard")).status_code == 200
    IdeaFactory.create_batch(45)
    cache.clear()
    with django_assert_num_queries(len(five.captured_queries)):
        response = committee_client.get(reverse("triage:dashboard"))
    assert len(response.context["page"].object_list) == 50


def test_the_inbox_counts_follow_a_status_change_at_once(committee_client):
    idea = IdeaFactory()
    first = committee_client.get(reverse("triage:dashboard"))
    assert {c.status: c.total for c in first.context["counts"]}[workflow.Status.RECEIVED] == 1
    committee_client.post(
        reverse("triage:batch"), {"ideas": [idea.reference], "action": "screening"}
    )
    again = committee_client.get(reverse("triage:dashboard"))
    totals = {c.status: c.total for c in again.context["counts"]}
    assert (totals[workflow.Status.RECEIVED], totals[workflow.Status.SCREENING]) == (0, 1)


def test_a_reviewer_id_too_large_for_the_database_is_refused_cleanly(coordinator_client):
    idea = IdeaFactory(in_review=True)
    response = coordinator_client.post(
        reverse("triage:batch"),
        {"ideas": [idea.reference], "action": "assign", "reviewers": ["99999999999999999999"]},
    )
    assert response.status_code == 302
    assert not ReviewAssignment.objects.exists()


def test_the_cached_list_shows_a_change_at_once(committee_client, coordinator):
    from ideas import workflow
    from ideas.services import idea_transition
    from tests.factories import IdeaFactory

    idea = IdeaFactory(title="Cachad idé")
    first = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert "Cachad idé" in first
    IdeaFactory(title="Helt ny idé")
    assert "Helt ny idé" in committee_client.get(reverse("triage:dashboard")).content.decode()
    idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    row = page[page.index("Cachad idé") :].split("</tr>")[0]
    assert "Sållning" in row


def test_the_cached_list_keeps_each_members_own_marks(client, committee_member, coordinator):
    from tests.factories import IdeaFactory
    from triage.models import ReviewAssignment

    idea = IdeaFactory(title="Tilldelad idé")
    ReviewAssignment.objects.create(idea=idea, member=committee_member)
    client.force_login(coordinator)
    assert "Tilldelad dig" not in client.get(reverse("triage:dashboard")).content.decode()
    client.force_login(committee_member)
    assert "Tilldelad dig" in client.get(reverse("triage:dashboard")).content.decode()
    # A colleague of the same role, the same filters and language, gets their own list.
    colleague = UserFactory(username="ledamot2", roles=[Role.COMMITTEE_MEMBER])
    client.force_login(colleague)
    assert "Tilldelad dig" not in client.get(reverse("triage:dashboard")).content.decode()
