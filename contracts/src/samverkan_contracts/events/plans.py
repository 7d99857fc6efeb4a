"""Action plans: every district's plan for every programme area.

One event type per area (``se.stockholm.samverkan.<area>.plan.updated.v1``), each
with its own subclass so a data model maps to exactly one type. Holistic plans
have no service of their own and travel on the prevention topic.
"""

import enum
from datetime import date
from typing import Self
from uuid import UUID

from pydantic import Field, model_validator

from samverkan_contracts.base import EventData, ShortText, WireModel


class PlanStatus(enum.StrEnum):
    """Where a plan stands."""

    DRAFT = "draft"
    ADOPTED = "adopted"
    UNDER_REVIEW = "under_review"
    EXPIRED = "expired"


class MeasureStatus(enum.StrEnum):
    """Where a measure stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Measure(WireModel):
    """One measure of a plan, with who owns it and when it is due."""

    title: ShortText = Field(
        description="What will be done.", examples=["Train all youth-unit staff in grooming signs"]
    )
    owner: ShortText = Field(
        description="The unit or role accountable (never a person's name).",
        examples=["Head of the youth unit"],
    )
    due_on: date = Field(description="When it is due.", examples=["2026-12-31"])
    status: MeasureStatus = Field(description="Where it stands.", examples=["in_progress"])


class PlanUpdated(EventData):
    """A district's action plan for one programme area was created or changed (the full plan)."""

    plan_id: UUID = Field(
        description="Id of the plan; the same for every revision.",
        examples=["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"],
    )
    revision: int = Field(
        ge=1, description="Revision number, one higher on every update.", examples=[3]
    )
    title: ShortText = Field(
        description="Title of the plan.", examples=["Kista action plan against prostitution 2026"]
    )
    status: PlanStatus = Field(description="Where the plan stands.", examples=["adopted"])
    adopted_on: date | None = Field(
        default=None,
        description="When the plan was adopted; required unless it is a draft.",
        examples=["2026-01-28"],
    )
    next_review_on: date = Field(
        description="When it is next to be reviewed.", examples=["2027-01-31"]
    )
    measures: tuple[Measure, ...] = Field(
        default=(),
        description="The plan's measures.",
        examples=[
            [
                {
                    "title": "Train all youth-unit staff in grooming signs",
                    "owner": "Head of the youth unit",
                    "due_on": "2026-12-31",
                    "status": "in_progress",
                }
            ]
        ],
    )

    @model_validator(mode="after")
    def _adopted_has_date(self) -> Self:
        if self.status is not PlanStatus.DRAFT and self.adopted_on is None:
            raise ValueError("adopted_on is required unless the plan is a draft")
        return self


class HolisticPlanUpdated(PlanUpdated):
    """A district's plan for the city-as-a-whole part of the programme was updated."""


class PreventionPlanUpdated(PlanUpdated):
    """A district's prevention plan was updated."""


class OutreachPlanUpdated(PlanUpdated):
    """A district's outreach plan was updated."""


class TreatmentPlanUpdated(PlanUpdated):
    """A district's care and treatment plan was updated."""


class TraffickingPlanUpdated(PlanUpdated):
    """A district's plan against human trafficking was updated."""
