"""The idea table, pinned: every move and who may make it, written out here by hand.

A changed permission fails the test named after the move (e.g. `in_review->declined`).
"""

import pytest

from ideas import workflow
from ideas.workflow import Status, TransitionNotAllowed
from portal.roles import RESIDENT, SYSTEM, Role
from tests.factories import UserFactory

S = Status
MEMBER, COORD, ADMIN = "committee_member", "coordinator", "administrator"
PARTNER, OUTREACH = "partner_contact", "outreach_staff"
RES, SYS = "resident", "system"
ACTORS = (MEMBER, COORD, ADMIN, PARTNER, OUTREACH, RES, SYS)

# (from, to): (who may, owner told, message to the owner required, only through a referral)
IDEA_TABLE = {
    (S.RECEIVED, S.SCREENING): ({MEMBER, COORD, ADMIN}, True, False, False),
    (S.SCREENING, S.IN_REVIEW): ({COORD, ADMIN}, True, False, False),
    (S.SCREENING, S.DECLINED): ({COORD, ADMIN}, True, True, False),
    (S.SCREENING, S.NEEDS_INFORMATION): ({COORD, ADMIN}, True, True, False),
    (S.IN_REVIEW, S.NEEDS_INFORMATION): ({COORD, ADMIN}, True, True, False),
    (S.NEEDS_INFORMATION, S.IN_REVIEW): ({RES, COORD, ADMIN}, True, False, False),
    (S.IN_REVIEW, S.REFERRED): ({COORD, ADMIN}, True, False, True),
    (S.IN_REVIEW, S.DECLINED): ({COORD, ADMIN}, True, True, False),
    (S.IN_REVIEW, S.ON_HOLD): ({COORD, ADMIN}, True, False, False),
    (S.ON_HOLD, S.IN_REVIEW): ({COORD, ADMIN}, True, False, False),
    (S.ON_HOLD, S.REFERRED): ({COORD, ADMIN}, True, False, True),
    (S.ON_HOLD, S.DECLINED): ({COORD, ADMIN}, True, True, False),
    (S.REFERRED, S.IN_REVIEW): ({SYS, COORD, ADMIN}, False, False, False),
    (S.IN_SUPPORT, S.IN_REVIEW): ({SYS}, False, False, False),
    (S.REFERRED, S.IN_SUPPORT): ({SYS}, True, False, False),
    (S.REFERRED, S.CLOSED): ({SYS}, True, False, False),
    (S.IN_SUPPORT, S.CLOSED): ({SYS, COORD, ADMIN}, True, False, False),
    (S.RECEIVED, S.WITHDRAWN): ({RES}, True, False, False),
    (S.SCREENING, S.WITHDRAWN): ({RES}, True, False, False),
    (S.IN_REVIEW, S.WITHDRAWN): ({RES}, True, False, False),
    (S.NEEDS_INFORMATION, S.WITHDRAWN): ({RES}, True, False, False),
    (S.REFERRED, S.WITHDRAWN): ({RES}, True, False, False),
    (S.ON_HOLD, S.WITHDRAWN): ({RES}, True, False, False),
    (S.IN_SUPPORT, S.WITHDRAWN): ({RES}, True, False, False),
}


@pytest.fixture
def actors(db):
    """One actor of each kind: a user per staff role, the resident and the system."""
    users = {
        role: UserFactory(roles=[Role(role)]) for role in (MEMBER, COORD, ADMIN, PARTNER, OUTREACH)
    }
    return {**users, RES: RESIDENT, SYS: SYSTEM}


def test_the_table_has_exactly_the_moves_written_here():
    assert {(t.source, t.target) for t in workflow.TRANSITIONS} == set(IDEA_TABLE)
    assert len(workflow.TRANSITIONS) == len(IDEA_TABLE)


@pytest.mark.parametrize(
    ("move", "row"), IDEA_TABLE.items(), ids=[f"{a}->{b}" for a, b in IDEA_TABLE]
)
def test_each_move_is_allowed_to_exactly_these_actors(move, row, actors):
    allowed, tell, needs_reason, via_referral = row
    transition = workflow.find(*move)
    assert transition is not None
    assert (transition.tell_resident, transition.needs_reason, transition.via_referral) == (
        tell,
        needs_reason,
        via_referral,
    )
    assert {name for name, actor in actors.items() if workflow.may(transition, actor)} == allowed


def test_every_state_has_a_public_label():
    assert set(workflow.PUBLIC_LABELS) == set(Status)


def test_a_committee_member_may_start_screening_but_not_decline(actors):
    assert workflow.check(S.RECEIVED, S.SCREENING, actors[MEMBER])
    with pytest.raises(TransitionNotAllowed):
        workflow.check(S.IN_REVIEW, S.DECLINED, actors[MEMBER], "Utanför vårt område")


def test_a_decline_needs_a_message_the_owner_can_read(actors):
    with pytest.raises(TransitionNotAllowed, match="ägaren läser det i ett mejl"):
        workflow.check(S.IN_REVIEW, S.DECLINED, actors[COORD], "  ")
    assert workflow.check(S.IN_REVIEW, S.DECLINED, actors[COORD], "Utanför")


def test_referred_is_never_a_plain_move(actors):
    with pytest.raises(TransitionNotAllowed, match="bara när den lotsas till partner"):
        workflow.check(S.IN_REVIEW, S.REFERRED, actors[COORD])
    assert S.REFERRED not in workflow.next_states(S.IN_REVIEW, actors[COORD])
    assert workflow.may_refer(S.IN_REVIEW, actors[COORD])
    assert not workflow.may_refer(S.RECEIVED, actors[COORD])


def test_only_the_resident_withdraws_and_never_from_a_final_state(actors):
    assert workflow.check(S.IN_REVIEW, S.WITHDRAWN, RESIDENT)
    with pytest.raises(TransitionNotAllowed):
        workflow.check(S.IN_REVIEW, S.WITHDRAWN, actors[COORD])
    for final in workflow.FINAL_STATES:
        for actor in actors.values():
            assert workflow.next_states(final, actor) == []


def test_moves_not_in_the_table_are_refused(actors):
    with pytest.raises(TransitionNotAllowed):
        workflow.check(S.RECEIVED, S.CLOSED, actors[ADMIN])
