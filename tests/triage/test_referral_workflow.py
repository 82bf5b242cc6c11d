"""The referral table, pinned: every move and who may make it, written out here by hand, and the
way an idea follows its referrals. A changed permission fails the test named after the move."""

import pytest

from ideas.workflow import Status
from portal.roles import RESIDENT, SYSTEM, PartnerLinkActor, Role
from tests.factories import UserFactory
from triage.referrals import workflow as referral_workflow
from triage.referrals.workflow import ReferralMoveNotAllowed, ReferralState

R = ReferralState
MEMBER, COORD, ADMIN = "committee_member", "coordinator", "administrator"
PARTNER, LINK, OUTREACH = "partner_contact", "partner_link", "outreach_staff"
RES, SYS = "resident", "system"
PARTNERS = {PARTNER, LINK}

# (from, to): (who may, a reason is required, the owner is told)
REFERRAL_TABLE = {
    (R.SENT, R.ACCEPTED): (PARTNERS, False, True),
    (R.SENT, R.DECLINED): (PARTNERS, True, False),
    (R.SENT, R.QUESTION): (PARTNERS, True, False),
    (R.QUESTION, R.QUESTION): (PARTNERS, True, False),
    (R.QUESTION, R.ACCEPTED): (PARTNERS, False, True),
    (R.QUESTION, R.DECLINED): (PARTNERS, True, False),
    (R.ACCEPTED, R.IN_SUPPORT): (PARTNERS, False, False),
    (R.ACCEPTED, R.SUPPORT_FINISHED): (PARTNERS, False, False),
    (R.IN_SUPPORT, R.SUPPORT_FINISHED): (PARTNERS, False, False),
    (R.SENT, R.CANCELLED): ({COORD, ADMIN, SYS}, True, False),
    (R.QUESTION, R.CANCELLED): ({COORD, ADMIN, SYS}, True, False),
    (R.ACCEPTED, R.CANCELLED): ({COORD, ADMIN, SYS}, True, False),
    (R.IN_SUPPORT, R.CANCELLED): ({COORD, ADMIN, SYS}, True, False),
    (R.SENT, R.EXPIRED): ({SYS}, False, False),
    (R.QUESTION, R.EXPIRED): ({SYS}, False, False),
}


@pytest.fixture
def actors(db):
    users = {
        role: UserFactory(roles=[Role(role)]) for role in (MEMBER, COORD, ADMIN, PARTNER, OUTREACH)
    }
    return {**users, LINK: PartnerLinkActor(contact_id=1, name="Kim"), RES: RESIDENT, SYS: SYSTEM}


def test_the_table_has_exactly_the_moves_written_here():
    assert {(m.source, m.target) for m in referral_workflow.MOVES} == set(REFERRAL_TABLE)
    assert len(referral_workflow.MOVES) == len(REFERRAL_TABLE)


@pytest.mark.parametrize(
    ("move", "row"), REFERRAL_TABLE.items(), ids=[f"{a}->{b}" for a, b in REFERRAL_TABLE]
)
def test_each_referral_move_is_allowed_to_exactly_these_actors(move, row, actors):
    allowed, needs_reason, tell_owner = row
    found = referral_workflow.find(*move)
    assert (found.needs_reason, found.tell_owner) == (needs_reason, tell_owner)
    assert {name for name, actor in actors.items() if referral_workflow.may(found, actor)} == (
        allowed
    )


def test_every_state_has_a_label_for_staff_partner_and_owner():
    for state in ReferralState:
        assert referral_workflow.staff_label(state)
        assert referral_workflow.partner_label(state)
        assert referral_workflow.owner_label(state)


def test_the_groups_of_states():
    assert {R.SENT, R.QUESTION} == referral_workflow.AWAITING_ANSWER
    assert {R.SENT, R.QUESTION, R.ACCEPTED, R.IN_SUPPORT} == referral_workflow.OPEN_STATES
    answered = {R.ACCEPTED, R.DECLINED, R.IN_SUPPORT, R.SUPPORT_FINISHED}
    assert answered == referral_workflow.ANSWERED_STATES
    assert {R.ACCEPTED, R.IN_SUPPORT, R.SUPPORT_FINISHED} == referral_workflow.ACCEPTED_STATES


def test_a_decline_needs_a_reason(actors):
    with pytest.raises(ReferralMoveNotAllowed):
        referral_workflow.check(R.SENT, R.DECLINED, actors[LINK], " ")
    assert referral_workflow.check(R.SENT, R.DECLINED, actors[LINK], "Ingen lokal")


# (the idea's status, its referrals' states): the status it moves to, or None (it stays)
IDEA_FOLLOWS = [
    (Status.REFERRED, [R.SENT, R.SENT], None),
    (Status.REFERRED, [R.DECLINED, R.SENT], None),
    (Status.REFERRED, [R.DECLINED, R.DECLINED], Status.IN_REVIEW),
    (Status.REFERRED, [R.DECLINED, R.CANCELLED, R.EXPIRED], Status.IN_REVIEW),
    (Status.REFERRED, [R.ACCEPTED, R.SENT], Status.IN_SUPPORT),
    (Status.REFERRED, [R.IN_SUPPORT], Status.IN_SUPPORT),
    (Status.IN_SUPPORT, [R.ACCEPTED, R.IN_SUPPORT], None),
    (Status.IN_SUPPORT, [R.SUPPORT_FINISHED, R.IN_SUPPORT], None),
    (Status.IN_SUPPORT, [R.SUPPORT_FINISHED, R.ACCEPTED], None),
    (Status.IN_SUPPORT, [R.SUPPORT_FINISHED, R.SENT], None),
    (Status.IN_SUPPORT, [R.SUPPORT_FINISHED, R.DECLINED], Status.CLOSED),
    (Status.IN_SUPPORT, [R.SUPPORT_FINISHED, R.SUPPORT_FINISHED], Status.CLOSED),
    (Status.IN_SUPPORT, [R.CANCELLED, R.DECLINED], Status.IN_REVIEW),
    (Status.WITHDRAWN, [R.DECLINED], None),
    (Status.IN_REVIEW, [R.DECLINED], None),
]


@pytest.mark.parametrize(
    ("status", "states", "expected"),
    IDEA_FOLLOWS,
    ids=[f"{s}:{'+'.join(states)}" for s, states, _e in IDEA_FOLLOWS],
)
def test_the_idea_follows_its_referrals(status, states, expected):
    assert referral_workflow.idea_follows(status, states) == expected
