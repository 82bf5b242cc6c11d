import pytest

from ideas import workflow
from ideas.workflow import RESIDENT, Status, TransitionNotAllowed
from portal.roles import Role


def test_every_state_has_a_public_label():
    assert set(workflow.PUBLIC_LABELS) == set(Status)


def test_a_committee_member_may_start_screening_but_not_decide():
    roles = {Role.COMMITTEE_MEMBER}
    assert workflow.check(Status.RECEIVED, Status.SCREENING, roles)
    with pytest.raises(TransitionNotAllowed):
        workflow.check(Status.IN_REVIEW, Status.REFERRED, roles)


def test_a_decline_needs_a_reason_the_resident_can_read():
    with pytest.raises(TransitionNotAllowed):
        workflow.check(Status.IN_REVIEW, Status.DECLINED, {Role.COORDINATOR}, reason="  ")
    assert workflow.check(Status.IN_REVIEW, Status.DECLINED, {Role.COORDINATOR}, reason="Utanför")


def test_only_the_resident_withdraws_and_never_from_a_final_state():
    assert workflow.check(Status.IN_REVIEW, Status.WITHDRAWN, {RESIDENT})
    with pytest.raises(TransitionNotAllowed):
        workflow.check(Status.IN_REVIEW, Status.WITHDRAWN, {Role.COORDINATOR})
    for final in workflow.FINAL_STATES:
        assert workflow.next_states(final, {RESIDENT, *Role}) == []


def test_moves_not_in_the_table_are_refused():
    with pytest.raises(TransitionNotAllowed):
        workflow.check(Status.RECEIVED, Status.CLOSED, set(Role))
