"""Treatment episodes: started once, ended once, after an accepted referral if one is named."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from treatment.domain.episodes import (
    Episode,
    EpisodeStatus,
    after_end,
    after_start,
    check_referral,
)
from treatment.domain.referrals import Referral, ReferralStatus
from treatment.domain.steps import ImpossibleStepError

SUBJECT = "subj_" + "b" * 52
STARTED = Episode(
    district="kista",
    provided_by="socialtjanst",
    started_on=date(2026, 3, 10),
    status=EpisodeStatus.STARTED,
)


def test_start_once() -> None:
    assert after_start(None) is EpisodeStatus.STARTED
    for current in EpisodeStatus:
        with pytest.raises(ImpossibleStepError):
            after_start(current)


def test_end_once_and_not_before_the_start() -> None:
    assert after_end(STARTED, date(2026, 3, 10)) is EpisodeStatus.ENDED
    with pytest.raises(ImpossibleStepError, match="before it started"):
        after_end(STARTED, date(2026, 3, 9))
    with pytest.raises(ImpossibleStepError) as refused:
        after_end(None, date(2026, 3, 10))
    assert refused.value.current == "unknown"
    ended = dataclasses.replace(STARTED, status=EpisodeStatus.ENDED)
    with pytest.raises(ImpossibleStepError) as refused:
        after_end(ended, date(2026, 4, 1))
    assert refused.value.current == "ended"


def referral(status: ReferralStatus) -> Referral:
    return Referral(
        district="kista",
        subject_ref=SUBJECT,
        sender="kista",
        receiver="socialtjanst",
        status=status,
    )


def test_an_accepted_referral_to_the_provider_for_the_subject_is_followed() -> None:
    check_referral(referral(ReferralStatus.ACCEPTED), subject_ref=SUBJECT, provider="socialtjanst")


@pytest.mark.parametrize("status", [s for s in ReferralStatus if s is not ReferralStatus.ACCEPTED])
def test_a_referral_in_another_state_is_not_followed(status: ReferralStatus) -> None:
    with pytest.raises(ImpossibleStepError) as refused:
        check_referral(referral(status), subject_ref=SUBJECT, provider="socialtjanst")
    assert refused.value.current == status.value


def test_a_referral_sent_elsewhere_is_unknown_to_the_provider() -> None:
    for found in (None, referral(ReferralStatus.ACCEPTED)):
        with pytest.raises(ImpossibleStepError) as refused:
            check_referral(found, subject_ref=SUBJECT, provider="rinkeby")
        assert refused.value.current == "unknown"


def test_a_referral_about_another_person_is_not_followed() -> None:
    with pytest.raises(ImpossibleStepError, match="another person"):
        check_referral(
            referral(ReferralStatus.ACCEPTED),
            subject_ref="subj_" + "c" * 52,
            provider="socialtjanst",
        )
