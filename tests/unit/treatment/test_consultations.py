"""The consultation state machine: every (state, step, resolution) combination."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from treatment.domain.consultations import ConsultationStatus, advance, answered_in_time
from treatment.domain.steps import UNKNOWN, ImpossibleStepError

from samverkan_contracts.events.treatment import ConsultationResolution

C = ConsultationStatus
R = ConsultationResolution
STATES: list[ConsultationStatus | None] = [None, *C]

#: (state, step) -> whether it is allowed; closing is listed per resolution below.
ALLOWED_STEPS = {(None, C.REQUESTED), (C.REQUESTED, C.ANSWERED)}
ALLOWED_CLOSES = {(C.ANSWERED, r) for r in R} | {
    (C.REQUESTED, R.WITHDRAWN),
    (C.REQUESTED, R.NO_LONGER_NEEDED),
    (C.REQUESTED, R.REFERRAL_MADE),
}


@pytest.mark.parametrize(
    ("current", "step"), list(itertools.product(STATES, [C.REQUESTED, C.ANSWERED]))
)
def test_request_and_answer(current: C | None, step: C) -> None:
    if (current, step) in ALLOWED_STEPS:
        assert advance(current, step) is step
    else:
        with pytest.raises(ImpossibleStepError) as refused:
            advance(current, step)
        assert refused.value.current == (current or UNKNOWN)


@pytest.mark.parametrize(("current", "resolution"), list(itertools.product(STATES, R)))
def test_close(current: C | None, resolution: R) -> None:
    if (current, resolution) in ALLOWED_CLOSES:
        assert advance(current, C.CLOSED, resolution) is C.CLOSED
    else:
        with pytest.raises(ImpossibleStepError) as refused:
            advance(current, C.CLOSED, resolution)
        assert refused.value.current == (current or UNKNOWN)


def test_advice_given_needs_an_answer() -> None:
    with pytest.raises(ImpossibleStepError, match="only an answered consultation"):
        advance(C.REQUESTED, C.CLOSED, R.ADVICE_GIVEN)


def test_a_close_without_resolution_counts_as_needing_an_answer() -> None:
    with pytest.raises(ImpossibleStepError):
        advance(C.REQUESTED, C.CLOSED)
    assert advance(C.ANSWERED, C.CLOSED) is C.CLOSED


def test_answered_in_time() -> None:
    due = datetime(2026, 2, 20, 12, tzinfo=UTC)
    assert answered_in_time(due, None) is None
    assert answered_in_time(due, due) is True
    assert answered_in_time(due, due + timedelta(seconds=1)) is False
