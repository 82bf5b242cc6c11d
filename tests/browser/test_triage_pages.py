"""The committee's pages in a real browser, keyboard included, with axe-core on every page.

Lives in tests/browser to use its harness (headless Chromium, axe-core WCAG 2.1 A/AA on each
page); belongs to the triage pages.
"""

from ideas import workflow
from portal.roles import Role
from tests.factories import (
    IdeaFactory,
    MembershipFactory,
    PartnerFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    UserFactory,
)
from triage.models import Criterion, Review


def test_a_member_triages_from_the_dashboard_to_a_submitted_review(portal, committee_member):
    partner = PartnerFactory(name="Byalaget Ramsberg")
    MembershipFactory(member=committee_member, partner=partner)
    fresh = IdeaFactory(title="Bybuss till affären")
    idea = IdeaFactory(
        title="Fiber till Ramsberg", in_review=True, organisation_name="Byalaget Ramsberg"
    )
    other = IdeaFactory(title="Fiber till byn", in_review=True)
    ReviewAssignmentFactory(idea=other, member=committee_member)
    ReviewFactory(idea=other, submitted=True, comment="Bra")

    portal.login(committee_member)
    portal.visit("/triage/")
    # Filter with the keyboard: search box, then Enter.
    portal.page.locator("#id_q").fill("Bybuss")
    with portal.navigation():
        portal.page.locator("#id_q").press("Enter")
    assert "q=Bybuss" in portal.page.url
    # Select the idea with the keyboard and move it to screening.
    portal.tab_to(f"#select-{fresh.reference}")
    portal.page.keyboard.press("Space")
    portal.page.locator("#id_action").select_option("screening")
    portal.submit("main form[action$='/batch/'] button[type=submit]")
    fresh.refresh_from_db()
    assert fresh.status == workflow.Status.SCREENING
    assert "q=Bybuss" in portal.page.url  # the filters survive the batch action

    # The idea page: the member is prompted about the conflict but scores another idea.
    portal.visit(f"/triage/ideas/{idea.reference}/")
    assert portal.page.locator("#conflict-heading").count() == 1
    assert portal.page.get_by_text("Byalaget Ramsberg").count() >= 1

    portal.visit(f"/triage/ideas/{other.reference}/")
    for criterion in Criterion.objects.filter(is_active=True):
        portal.page.locator(f"input[name=score_{criterion.pk}][value='4']").check()
    portal.page.locator("input[name=recommendation][value=refer]").check()
    portal.submit("main form[action$='/review/'] button[name=submit]")
    assert Review.objects.get(idea=other, member=committee_member).submitted_at
    assert portal.page.get_by_text("Bra").count() >= 1  # the others' review is now visible


def test_the_coordinator_pages_pass_axe(portal, coordinator):
    member = UserFactory(username="ledamot2", roles=[Role.COMMITTEE_MEMBER])
    idea = IdeaFactory(title="Mötesplats", in_review=True)
    ReviewAssignmentFactory(idea=idea, member=member)
    ReviewFactory(idea=idea, member=member, submitted=True)
    PartnerFactory(name="Leader Bergslagen")

    portal.login(coordinator)
    portal.visit("/triage/?status=in_review&sort=-title")
    portal.visit(f"/triage/ideas/{idea.reference}/")
    # An empty referral note is refused with the error tied to the field.
    portal.submit("main form[action$='/refer/'] button[type=submit]")
    assert portal.page.locator("#error-summary").count() == 1
    portal.visit("/triage/meeting/")
    assert portal.page.get_by_text("Mötesplats").count() >= 1
    portal.visit("/triage/criteria/")
    portal.follow("main table a[href$='/criteria/1/']")


def test_each_comment_label_stands_on_its_own_line_below_the_scores(portal, committee_member):
    """A short criterion's comment label used to sit beside "Can't assess", reading as one."""
    idea = IdeaFactory(in_review=True)
    portal.login(committee_member)
    portal.visit(f"/triage/ideas/{idea.reference}/")
    for criterion in Criterion.objects.filter(is_active=True):
        last_choice = portal.page.locator(f"input[name=score_{criterion.pk}]").last
        label = portal.page.locator(f"label[for=id_comment_{criterion.pk}]")
        choice_box, label_box = last_choice.bounding_box(), label.bounding_box()
        assert label_box["y"] >= choice_box["y"] + choice_box["height"], criterion.name
