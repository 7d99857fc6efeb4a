"""A treatment episode: started, then ended (completed, dropped out or moved).

Only the organisation giving the treatment starts and ends it. An episode that follows a
referral starts only once the referral is accepted, with the referral's receiver as the
provider and for the referral's subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from treatment.domain.referrals import Referral, ReferralStatus
from treatment.domain.steps import ImpossibleStepError


class EpisodeStatus(StrEnum):
    STARTED = "started"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Episode:
    """What the rules need to know about an episode."""

    district: str
    provided_by: str
    started_on: date
    status: EpisodeStatus


def after_start(current: EpisodeStatus | None) -> EpisodeStatus:
    if current is not None:
        raise ImpossibleStepError("treatment episode", current, EpisodeStatus.STARTED)
    return EpisodeStatus.STARTED


def after_end(episode: Episode | None, ended_on: date) -> EpisodeStatus:
    current = episode.status if episode is not None else None
    if episode is None or current is not EpisodeStatus.STARTED:
        raise ImpossibleStepError("treatment episode", current, EpisodeStatus.ENDED)
    if ended_on < episode.started_on:
        raise ImpossibleStepError(
            "treatment episode", current, EpisodeStatus.ENDED, "it would end before it started"
        )
    return EpisodeStatus.ENDED


def check_referral(referral: Referral | None, *, subject_ref: str, provider: str) -> None:
    """An episode that follows a referral needs it accepted, by the provider, for the subject.

    A referral sent to someone else is reported as unknown: the provider learns nothing of it.
    """
    step = "followed by treatment"
    if referral is None or referral.receiver != provider:
        raise ImpossibleStepError("referral", None, step, "none by this id went to the provider")
    if referral.status is not ReferralStatus.ACCEPTED:
        raise ImpossibleStepError("referral", referral.status, step, "treatment follows acceptance")
    if referral.subject_ref != subject_ref:
        raise ImpossibleStepError("referral", referral.status, step, "it is about another person")
