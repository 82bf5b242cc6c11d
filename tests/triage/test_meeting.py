import csv
import io

import pytest
from django.urls import reverse

from tests.factories import (
    ConflictDeclarationFactory,
    CriterionFactory,
    IdeaFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    ScoreFactory,
    UserFactory,
)
from triage.review import meeting

pytestmark = pytest.mark.django_db


def _ready_idea(title: str, values=(4, 2)):
    criterion = CriterionFactory(name="Samhällsnytta i test", weight=1)
    idea = IdeaFactory(in_review=True, title=title)
    for value in values:
        member = UserFactory()
        ReviewAssignmentFactory(idea=idea, member=member)
        ScoreFactory(
            review=ReviewFactory(idea=idea, member=member, submitted=True),
            criterion=criterion,
            value=value,
        )
    return idea


def test_the_agenda_lists_ideas_whose_assigned_reviews_are_all_in():
    ready = _ready_idea("Klar")
    waiting = IdeaFactory(in_review=True, title="Väntar")
    ReviewAssignmentFactory(idea=waiting)
    ReviewFactory(idea=waiting, member=ReviewAssignmentFactory(idea=waiting).member)  # a draft
    IdeaFactory(in_review=True, title="Ingen tilldelad")
    excused = IdeaFactory(in_review=True, title="Jäv")
    conflicted = ReviewAssignmentFactory(idea=excused).member
    ConflictDeclarationFactory(idea=excused, member=conflicted)
    done = ReviewAssignmentFactory(idea=excused).member
    ReviewFactory(idea=excused, member=done, submitted=True)

    assert {idea.title for idea in meeting.meeting_agenda()} == {ready.title, "Jäv"}


def test_the_agenda_page_is_printable(committee_client):
    _ready_idea("Bybuss")
    response = committee_client.get(reverse("triage:meeting"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bybuss" in page
    assert "agenda-item" in page  # the print stylesheet keeps each idea together
    assert reverse("triage:meeting_csv") in page


def test_the_agenda_exports_as_csv_with_the_scores(coordinator_client):
    idea = _ready_idea('=HYPERLINK("http://evil")', values=(5, 3))
    response = coordinator_client.get(reverse("triage:meeting_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert row[0] == idea.reference
    assert row[1].startswith("'=")  # a formula stays text in a spreadsheet
    assert row[header.index("Samhällsnytta i test")] == "4.00"
    assert row[3] == "2"  # reviews
    assert row[4] == "4.00" and row[5] == "2.00"  # weighted mean and spread


def test_a_partner_contact_cannot_download_the_agenda(client):
    from portal.roles import Role

    client.force_login(UserFactory(roles=[Role.PARTNER_CONTACT]))
    assert client.get(reverse("triage:meeting_csv")).status_code == 403


def test_a_member_who_has_not_scored_sees_no_scores_on_the_agenda(committee_client):
    _ready_idea("Bybuss", values=(5, 3))
    response = committee_client.get(reverse("triage:meeting"))
    row = response.context["rows"][0]
    assert row["hidden"] and row["aggregate"].mean is None and row["aggregate"].count == 2
    exported = committee_client.get(reverse("triage:meeting_csv")).content.decode("utf-8-sig")
    assert "4.00" not in exported
