"""The joint-operation state machine: every allowed step works, every other pair raises."""

from __future__ import annotations

import itertools

import pytest
from outreach.domain import operations as ops
from outreach.domain.operations import Operation, OperationStatus, OperationStep

STATES: list[OperationStatus | None] = [None, *OperationStatus]

ALLOWED = {
    (None, OperationStep.PLAN): OperationStatus.PLANNED,
    (OperationStatus.PLANNED, OperationStep.COMPLETE): OperationStatus.COMPLETED,
}

PAIRS = list(itertools.product(STATES, OperationStep))


@pytest.mark.parametrize(("current", "step"), [p for p in PAIRS if p in ALLOWED])
def test_allowed_step_moves_to_the_next_status(
    current: OperationStatus | None, step: OperationStep
) -> None:
    assert ops.after(current, step) is ALLOWED[current, step]


@pytest.mark.parametrize(("current", "step"), [p for p in PAIRS if p not in ALLOWED])
def test_every_other_step_raises_naming_the_state(
    current: OperationStatus | None, step: OperationStep
) -> None:
    with pytest.raises(ops.OperationStateError) as raised:
        ops.after(current, step)
    expected = "unknown" if current is None else current.value
    assert raised.value.state == expected
    assert expected in str(raised.value)


def test_the_table_holds_exactly_the_allowed_steps() -> None:
    assert dict(ops.TRANSITIONS) == ALLOWED


PARTICIPANTS = ("socialtjanst", "norrmalm")


def planned(district: str = "norrmalm") -> Operation:
    return Operation(OperationStatus.PLANNED, district, frozenset(PARTICIPANTS))


def test_planning_records_district_and_participants() -> None:
    operation = ops.plan(None, actor="socialtjanst", district="norrmalm", participants=PARTICIPANTS)
    assert operation == planned()


def test_planning_a_known_operation_again_is_a_state_error() -> None:
    with pytest.raises(ops.OperationStateError, match="planned"):
        ops.plan(planned(), actor="norrmalm", district="norrmalm", participants=PARTICIPANTS)


def test_the_planner_takes_part() -> None:
    with pytest.raises(ops.NotAParticipantError):
        ops.plan(None, actor="kista", district="norrmalm", participants=PARTICIPANTS)


def test_the_district_concerned_takes_part() -> None:
    with pytest.raises(ops.DistrictNotParticipatingError):
        ops.plan(None, actor="socialtjanst", district="kista", participants=PARTICIPANTS)


@pytest.mark.parametrize("actor", PARTICIPANTS)
def test_any_participant_completes(actor: str) -> None:
    done = ops.complete(planned(), actor=actor, district="norrmalm")
    assert done == Operation(OperationStatus.COMPLETED, "norrmalm", frozenset(PARTICIPANTS))


def test_completing_an_unknown_operation_names_the_state() -> None:
    with pytest.raises(ops.OperationStateError) as raised:
        ops.complete(None, actor="norrmalm", district="norrmalm")
    assert raised.value.state == "unknown"


def test_completing_twice_names_the_state() -> None:
    done = ops.complete(planned(), actor="norrmalm", district="norrmalm")
    with pytest.raises(ops.OperationStateError) as raised:
        ops.complete(done, actor="norrmalm", district="norrmalm")
    assert raised.value.state == "completed"


def test_a_completion_for_another_district_is_refused() -> None:
    with pytest.raises(ops.OtherDistrictError) as raised:
        ops.complete(planned(), actor="socialtjanst", district="kista")
    assert raised.value.state == "planned"


def test_an_outsider_does_not_complete() -> None:
    with pytest.raises(ops.NotAParticipantError):
        ops.complete(planned(), actor="kista", district="norrmalm")
