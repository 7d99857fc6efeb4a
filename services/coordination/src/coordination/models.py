"""What the query API answers: documented, frozen response models."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True)


class AreaCell(BaseModel):
    """One district's standing in one programme area."""

    model_config = _FROZEN
    plan: str = Field(
        description="none / draft / adopted / under_review / expired / past_review_date",
        examples=["adopted"],
    )
    plan_next_review_on: date | None = Field(description="When the plan is next reviewed.")
    activity_30d: int | None = Field(description="Events in the last 30 days (None: restricted).")
    activity_90d: int | None = Field(description="Events in the last 90 days.")
    activity_365d: int | None = Field(description="Events in the last 365 days.")


class DistrictRow(BaseModel):
    model_config = _FROZEN
    district: str = Field(examples=["kista"])
    areas: dict[str, AreaCell] = Field(description="By programme area code.")
    referrals_open_in: int = Field(description="Open referrals the district has received.")
    referrals_open_out: int = Field(description="Open referrals the district has sent.")
    consultations_waiting: int = Field(description="Its consultations not yet answered.")
    consultation_median_response_hours: float | None = Field(
        description="Median hours from request to answer over its consultations answered in "
        "the last 365 days (COORDINATION_OVERVIEW_RESPONSE_DAYS)."
    )


class Overview(BaseModel):
    model_config = _FROZEN
    as_of: datetime
    districts: list[DistrictRow]


class BoardItem(BaseModel):
    """One referral on the board: where its loop stands and who it waits for."""

    model_config = _FROZEN
    referral_id: str
    district: str | None
    from_org: str | None
    to_org: str | None
    service: str | None
    urgency: str | None
    status: str = Field(
        description="incomplete/sent/received/accepted/declined/completed/withdrawn"
    )
    closed: bool = Field(description="True when the loop is closed.")
    step: str | None = Field(description="The step it waits at (None when closed).")
    waiting_for: str | None = Field(description="The organisation that has to act.")
    waiting_since: datetime | None
    hours_waiting: float | None
    deadline: datetime | None
    overdue: bool
    decline_reason: str | None
    outcome: str | None


class QueueItem(BaseModel):
    """One consultation in the queue."""

    model_config = _FROZEN
    consultation_id: str
    district: str | None
    requested_by: str | None
    requested_of: str | None
    question: str | None
    requested_at: datetime | None
    respond_by: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    waiting: bool
    overdue: bool
    escalation_level: int = Field(description="0 in time; +1 at each configured step past due.")
    response_hours: float | None


class Alert(BaseModel):
    """Something that needs attention, with the reason and where to look."""

    model_config = _FROZEN
    kind: str = Field(
        examples=["referral_unacknowledged"],
        description="referral_unacknowledged, consultation_unanswered, plan_missing, "
        "plan_past_review, repeated_contacts_no_referral, housing_signals",
    )
    district: str | None
    area: str | None
    reason: str
    since: datetime | date | None
    links: dict[str, str]
    subject_ref: str | None = Field(
        default=None, description="Only for specialists; every such read is audited."
    )


class JourneyStep(BaseModel):
    model_config = _FROZEN
    occurred_at: datetime
    area: str
    event: str = Field(examples=["treatment.referral.accepted"])
    district: str
    organisation: str = Field(description="The organisation that published the step.")
    aggregate_id: str
    data: dict[str, object]


class Journey(BaseModel):
    model_config = _FROZEN
    subject_ref: str
    steps: list[JourneyStep]
    hidden_restricted_steps: bool = Field(
        description="True when trafficking steps exist that this reader may not see."
    )


class IndicatorCell(BaseModel):
    model_config = _FROZEN
    district: str
    area: str
    count: int | None = Field(description="None when suppressed.")
    suppressed: bool


class Indicators(BaseModel):
    """Counts by district and area for one period, k-anonymous (suppressed cells are None and
    cannot be recovered from the totals or other cells)."""

    model_config = _FROZEN
    period: str = Field(examples=["2026-Q1"])
    first_day: date
    last_day: date
    event: str | None = Field(description="Only this event family, if given.")
    k: int
    cells: list[IndicatorCell]
    district_totals: dict[str, int | None]
    area_totals: dict[str, int | None]
    total: int | None


class DeadLetterView(BaseModel):
    model_config = _FROZEN
    topic: str
    partition: int
    offset: int
    record_time: datetime | None
    event_type: str | None
    error_class: str
    error_message: str
    dead_lettered_at: datetime


class AuditEntry(BaseModel):
    model_config = _FROZEN
    seq: int
    at: datetime
    actor: str
    organisation: str
    roles: list[str]
    action: str
    target: str
    purpose: str
    hash: str
