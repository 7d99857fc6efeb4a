"""Where each referral, consultation and plan stands, judged against configurable deadlines.

Everything here is computed at read time from the stored facts and ``now``: the stored view
stays a pure function of the events (so a replay reproduces it exactly), while deadlines and
thresholds can change without rebuilding anything.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Deadlines:
    """The agreed times (from settings)."""

    referral_ack_hours: Mapping[str, int]
    referral_completion_days: Mapping[str, int]
    consultation_escalation_hours: Sequence[int]


class ReferralStatus(StrEnum):
    INCOMPLETE = "incomplete"  # steps arrived before the referral itself
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


#: Hours to acknowledge a referral of an urgency without agreed hours.
ACK_HOURS = 72

CLOSED = frozenset({ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN})


@dataclass(frozen=True)
class Referral:
    """The facts the view holds about one referral."""

    referral_id: str
    district: str | None
    from_org: str | None
    to_org: str | None
    service: str | None
    urgency: str | None
    respond_by: datetime | None
    sent_at: datetime | None
    received_at: datetime | None
    accepted_at: datetime | None
    declined_at: datetime | None
    completed_at: datetime | None
    withdrawn_at: datetime | None
    decline_reason: str | None = None
    outcome: str | None = None

    @property
    def status(self) -> ReferralStatus:  # noqa: PLR0911 - one return per step
        """The furthest step reached, whatever order the events arrived in."""
        if self.withdrawn_at is not None:
            return ReferralStatus.WITHDRAWN
        if self.completed_at is not None:
            return ReferralStatus.COMPLETED
        if self.declined_at is not None:
            return ReferralStatus.DECLINED
        if self.accepted_at is not None:
            return ReferralStatus.ACCEPTED
        if self.received_at is not None:
            return ReferralStatus.RECEIVED
        if self.sent_at is not None:
            return ReferralStatus.SENT
        return ReferralStatus.INCOMPLETE


@dataclass(frozen=True)
class Waiting:
    """The step an open referral or consultation waits at, for whom, since when, until when."""

    step: str
    waiting_for: str | None
    since: datetime | None
    deadline: datetime | None
    overdue: bool
    hours_waiting: float | None


def referral_waiting(r: Referral, rules: Deadlines, now: datetime) -> Waiting | None:
    """None for a closed loop; otherwise the step it waits at."""
    status = r.status
    if status in CLOSED:
        return None
    if status is ReferralStatus.INCOMPLETE:
        since = min(t for t in (r.received_at, r.accepted_at) if t is not None)
        return _waiting("sender's referral not yet seen", r.from_org, since, None, now)
    if status is ReferralStatus.SENT:
        assert r.sent_at is not None  # noqa: S101 - implied by the status
        hours = rules.referral_ack_hours.get(r.urgency or "routine", ACK_HOURS)
        deadline = r.sent_at + timedelta(hours=hours)
        return _waiting("acknowledge receipt", r.to_org, r.sent_at, deadline, now)
    if status is ReferralStatus.RECEIVED:
        return _waiting("accept or decline", r.to_org, r.received_at, r.respond_by, now)
    days = rules.referral_completion_days.get(
        r.service or "default", rules.referral_completion_days["default"]
    )
    assert r.accepted_at is not None  # noqa: S101 - implied by the status
    deadline = r.accepted_at + timedelta(days=days)
    return _waiting("complete and close the loop", r.to_org, r.accepted_at, deadline, now)


def _waiting(
    step: str, who: str | None, since: datetime | None, deadline: datetime | None, now: datetime
) -> Waiting:
    return Waiting(
        step=step,
        waiting_for=who,
        since=since,
        deadline=deadline,
        overdue=deadline is not None and now > deadline,
        hours_waiting=None if since is None else round((now - since).total_seconds() / 3600, 1),
    )


def unacknowledged(r: Referral, rules: Deadlines, now: datetime) -> bool:
    """Sent and still not acknowledged (nor decided) after the agreed hours."""
    waiting = referral_waiting(r, rules, now)
    return r.status is ReferralStatus.SENT and waiting is not None and waiting.overdue


@dataclass(frozen=True)
class Consultation:
    consultation_id: str
    district: str | None
    requested_by: str | None
    requested_of: str | None
    question: str | None
    respond_by: datetime | None
    requested_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None

    @property
    def waiting(self) -> bool:
        return self.answered_at is None and self.closed_at is None


def escalation_level(c: Consultation, rules: Deadlines, now: datetime) -> int:
    """0 while in time; one level more at each configured number of hours past the deadline."""
    if not c.waiting or c.respond_by is None:
        return 0
    late = now - c.respond_by
    return sum(late > timedelta(hours=h) for h in rules.consultation_escalation_hours)


def median_response_hours(consultations: Sequence[Consultation]) -> float | None:
    hours = [
        _hours(c.answered_at - c.requested_at)
        for c in consultations
        if c.answered_at is not None and c.requested_at is not None
    ]
    return round(statistics.median(hours), 1) if hours else None


def median_of_middles(lower: timedelta | None, upper: timedelta | None) -> float | None:
    """``median_response_hours`` from the two middle response times of the answered
    consultations in order (the same one twice when their number is odd), as the view's SQL
    finds them: a median is the mean of those two. None when none was answered."""
    if lower is None or upper is None:
        return None
    return round(statistics.median([_hours(lower), _hours(upper)]), 1)


def _hours(response: timedelta) -> float:
    return response.total_seconds() / 3600


class PlanState(StrEnum):
    NONE = "none"
    DRAFT = "draft"
    ADOPTED = "adopted"
    UNDER_REVIEW = "under_review"
    EXPIRED = "expired"
    PAST_REVIEW_DATE = "past_review_date"


def plan_state_of(plan: Any, today: date) -> PlanState:
    """The state of a stored plan row (or of no plan)."""
    if plan is None:
        return PlanState.NONE
    review = plan["next_review_on"]
    return plan_state(str(plan["status"]), review if isinstance(review, date) else None, today)


def plan_state(status: str | None, next_review_on: date | None, today: date) -> PlanState:
    """A district's plan for an area as the overview shows it."""
    if status is None:
        return PlanState.NONE
    state = PlanState(status)
    if (
        state in (PlanState.ADOPTED, PlanState.UNDER_REVIEW)
        and next_review_on is not None
        and next_review_on < today
    ):
        return PlanState.PAST_REVIEW_DATE
    return state
