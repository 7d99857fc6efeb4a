"""The referral state machine: every (state, step) pair, and who takes each step."""

from __future__ import annotations

import itertools

import pytest
from treatment.domain.referrals import (
    OPEN,
    Party,
    Referral,
    ReferralStatus,
    advance,
)
from treatment.domain.steps import UNKNOWN, ImpossibleStepError

S = ReferralStatus

#: The issue's loop, written out independently of the module's own table.
ALLOWED = {
    (None, S.SENT),
    (S.SENT, S.RECEIVED),
    (S.SENT, S.WITHDRAWN),
    (S.RECEIVED, S.ACCEPTED),
    (S.RECEIVED, S.DECLINED),
    (S.RECEIVED, S.WITHDRAWN),
    (S.ACCEPTED, S.COMPLETED),
    (S.ACCEPTED, S.WITHDRAWN),
}
STATES: list[ReferralStatus | None] = [None, *S]
PAIRS = list(itertools.product(STATES, S))


@pytest.mark.parametrize(("current", "step"), sorted(ALLOWED, key=str))
def test_every_allowed_step_moves_to_its_state(current: S | None, step: S) -> None:
    assert advance(current, step) is step


@pytest.mark.parametrize(("current", "step"), [p for p in PAIRS if p not in ALLOWED])
def test_every_other_step_is_refused_naming_the_current_state(current: S | None, step: S) -> None:
    with pytest.raises(ImpossibleStepError) as refused:
        advance(current, step)
    named = UNKNOWN if current is None else current.value
    assert refused.value.current == named
    assert str(refused.value) == f"a referral cannot be {step} when it is {named}"


def test_the_pairs_cover_every_state_and_step() -> None:
    assert len(PAIRS) == 7 * 6
    assert set(PAIRS) > ALLOWED


def test_acceptance_needs_receipt_first() -> None:
    with pytest.raises(ImpossibleStepError):
        advance(S.SENT, S.ACCEPTED)
    with pytest.raises(ImpossibleStepError):
        advance(S.SENT, S.DECLINED)


def test_open_states_are_the_ones_the_sender_may_withdraw_from() -> None:
    assert {S.SENT, S.RECEIVED, S.ACCEPTED} == OPEN
    assert {state for state, step in ALLOWED if step is S.WITHDRAWN} == OPEN


def test_final_states_allow_nothing() -> None:
    for final in (S.DECLINED, S.COMPLETED, S.WITHDRAWN):
        assert not any(current is final for current, _ in ALLOWED)


REFERRAL = Referral(
    district="kungsholmen",
    subject_ref="subj_" + "a" * 52,
    sender="kungsholmen",
    receiver="socialtjanst",
    status=S.SENT,
)


def test_parties() -> None:
    assert REFERRAL.party("kungsholmen") is Party.SENDER
    assert REFERRAL.party("socialtjanst") is Party.RECEIVER
    assert REFERRAL.party("rinkeby") is None


@pytest.mark.parametrize("step", [S.SENT, S.WITHDRAWN])
def test_only_the_sender_sends_and_withdraws(step: S) -> None:
    assert REFERRAL.may_take(step, "kungsholmen")
    assert not REFERRAL.may_take(step, "socialtjanst")
    assert not REFERRAL.may_take(step, "rinkeby")


@pytest.mark.parametrize("step", [S.RECEIVED, S.ACCEPTED, S.DECLINED, S.COMPLETED])
def test_only_the_receiver_takes_the_other_steps(step: S) -> None:
    assert REFERRAL.may_take(step, "socialtjanst")
    assert not REFERRAL.may_take(step, "kungsholmen")
    assert not REFERRAL.may_take(step, "rinkeby")
