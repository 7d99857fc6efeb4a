"""The trafficking case state machine: every allowed step works, every other pair raises."""

from __future__ import annotations

import itertools

import pytest
from trafficking.domain import cases
from trafficking.domain.cases import Case, CaseStatus, CaseStep

STATES: list[CaseStatus | None] = [None, *CaseStatus]
OPEN, CLOSED = CaseStatus.OPEN, CaseStatus.CLOSED

ALLOWED = {
    (None, CaseStep.SUSPICION_REGISTERED): OPEN,
    (OPEN, CaseStep.POLICE_REPORT_FILED): OPEN,
    (OPEN, CaseStep.PROTECTION_ARRANGED): OPEN,
    (OPEN, CaseStep.REFLECTION_PERIOD_GRANTED): OPEN,
    (OPEN, CaseStep.CASE_CLOSED): CLOSED,
}

PAIRS = list(itertools.product(STATES, CaseStep))
MIDDLE = (
    CaseStep.POLICE_REPORT_FILED,
    CaseStep.PROTECTION_ARRANGED,
    CaseStep.REFLECTION_PERIOD_GRANTED,
)


def case_in(status: CaseStatus | None) -> Case | None:
    return None if status is None else Case(status, "norrmalm")


@pytest.mark.parametrize(("current", "step"), [p for p in PAIRS if p in ALLOWED])
def test_allowed_step_moves_to_the_next_status(current: CaseStatus | None, step: CaseStep) -> None:
    assert cases.after(current, step) is ALLOWED[current, step]
    assert cases.apply(case_in(current), step, "norrmalm") == Case(
        ALLOWED[current, step], "norrmalm"
    )


@pytest.mark.parametrize(("current", "step"), [p for p in PAIRS if p not in ALLOWED])
def test_every_other_step_raises_naming_the_state(
    current: CaseStatus | None, step: CaseStep
) -> None:
    expected = "unknown" if current is None else current.value
    for attempt in (
        lambda: cases.after(current, step),
        lambda: cases.apply(case_in(current), step, "norrmalm"),
    ):
        with pytest.raises(cases.CaseStateError) as raised:
            attempt()
        assert raised.value.state == expected
        assert expected in str(raised.value)


def test_the_table_holds_exactly_the_allowed_steps() -> None:
    assert dict(cases.TRANSITIONS) == ALLOWED


@pytest.mark.parametrize("order", list(itertools.permutations(MIDDLE)))
def test_the_middle_steps_follow_in_any_order_and_repeat(order: tuple[CaseStep, ...]) -> None:
    case = cases.apply(None, CaseStep.SUSPICION_REGISTERED, "kista")
    for step in (*order, *order):
        case = cases.apply(case, step, "kista")
    assert cases.apply(case, CaseStep.CASE_CLOSED, "kista") == Case(CLOSED, "kista")


@pytest.mark.parametrize("step", [*MIDDLE, CaseStep.CASE_CLOSED])
def test_a_step_for_another_district_is_refused(step: CaseStep) -> None:
    with pytest.raises(cases.OtherDistrictError) as raised:
        cases.apply(Case(OPEN, "norrmalm"), step, "kista")
    assert raised.value.state == "open"
