"""Getting around by keyboard: from the top of the dashboard and of an idea's page, a skip link
(the second Tab press, after "Skip to content") leads past the menus and filters to the list of
ideas, or to the coordinator's decision controls and referral (issue 21)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


class _Focusable(HTMLParser):
    """The page's Tab order (links, buttons, fields) and where each id stands in it."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[dict] = []
        self.ids: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] = len(self.order)
        focusable = (tag == "a" and "href" in attributes) or (
            tag in ("button", "select", "textarea", "input") and attributes.get("type") != "hidden"
        )
        if focusable and attributes.get("tabindex") != "-1":
            self.order.append({"tag": tag, **attributes})


def _tab_order(response) -> _Focusable:
    assert response.status_code == 200
    parser = _Focusable()
    parser.feed(response.content.decode())
    return parser


def _skip_to(page: _Focusable, target: str) -> int:
    """How many Tab presses the skip link takes to reach the target's first control."""
    skip = next(i for i, e in enumerate(page.order) if e.get("href") == f"#{target}")
    return skip + 1 + 1  # Tab to the link, Enter, then one Tab to the control after the target


def test_the_dashboard_skips_to_the_list_in_three_presses(coordinator_client):
    IdeaFactory(in_review=True, title="Bybuss")
    page = _tab_order(coordinator_client.get(reverse("triage:dashboard")))
    first_idea = next(i for i, e in enumerate(page.order) if e.get("name") == "ideas")
    assert page.order[1].get("href") == "#list-heading"
    assert "list-heading" in page.ids and page.ids["list-heading"] <= first_idea
    assert _skip_to(page, "list-heading") <= 3 < first_idea


def test_the_idea_page_skips_to_the_decision_controls_and_the_referral(coordinator_client):
    idea = IdeaFactory(in_review=True)
    response = coordinator_client.get(reverse("triage:idea_detail", args=[idea.reference]))
    page = _tab_order(response)
    targets = [e["href"] for e in page.order[1:3]]
    assert targets == ["#move-heading", "#refer-heading"]
    html = response.content.decode()
    assert re.search(r'id="move-heading" tabindex="-1"', html)
    assert re.search(r'id="refer-heading" tabindex="-1"', html)
    note = next(i for i, e in enumerate(page.order) if e.get("name") == "note_to_partners")
    assert note > 30  # far down the page without the skip link


def test_a_member_gets_no_skip_link_to_controls_the_member_does_not_have(committee_client):
    idea = IdeaFactory(in_review=True)
    html = committee_client.get(reverse("triage:idea_detail", args=[idea.reference])).content
    assert b'href="#move-heading"' not in html and b'href="#refer-heading"' not in html
