"""Prevention: activities in schools, youth care, with parents and online; staff training."""

import enum
from datetime import date
from uuid import UUID

from pydantic import Field

from samverkan_contracts.base import (
    AgeBand,
    EventData,
    LongText,
    OrganisationCode,
    PositiveCount,
    ShortText,
)


class ActivitySetting(enum.StrEnum):
    """Where a preventive activity took place."""

    SCHOOL = "school"
    YOUTH_CARE = "youth_care"
    PARENTS = "parents"
    ONLINE = "online"


class PreventionTopic(enum.StrEnum):
    """What a preventive activity or a training was about."""

    SEX_FOR_COMPENSATION = "sex_for_compensation"
    ONLINE_EXPLOITATION = "online_exploitation"
    GROOMING = "grooming"
    HUMAN_TRAFFICKING = "human_trafficking"
    RELATIONSHIPS_AND_CONSENT = "relationships_and_consent"
    PORNOGRAPHY = "pornography"
    SEX_AS_SELF_HARM = "sex_as_self_harm"
    OTHER = "other"


class StaffGroup(enum.StrEnum):
    """The staff a training is for."""

    SOCIAL_SERVICES = "social_services"
    SCHOOL_STAFF = "school_staff"
    YOUTH_CARE = "youth_care"
    OUTREACH = "outreach"
    HOUSING = "housing"
    HEALTH_CARE = "health_care"
    OTHER = "other"


class ActivityHeld(EventData):
    """A preventive activity was held (a lesson, a parents' evening, an online session)."""

    activity_id: UUID = Field(
        description="Id of the activity, chosen by the organiser.",
        examples=["0b0c5e1e-8f1a-4d52-9a55-3f6c8f2d9e10"],
    )
    held_on: date = Field(description="The day the activity was held.", examples=["2026-03-12"])
    setting: ActivitySetting = Field(description="Where it took place.", examples=["school"])
    topic: PreventionTopic = Field(description="What it was about.", examples=["grooming"])
    participants: PositiveCount = Field(
        description="Number of participants (staff not counted).", examples=[24]
    )
    age_band: AgeBand = Field(description="Age band of most participants.", examples=["13-15"])
    description: ShortText | None = Field(
        default=None,
        description="Short de-identified description; never names or identity numbers.",
        examples=["Lesson on online grooming for year 8"],
    )


class TrainingRequested(EventData):
    """A district (or another organisation) asked the central unit for a staff training."""

    request_id: UUID = Field(
        description="Id of the training request.", examples=["5c1f2b9d-6a0e-4a3b-8a7e-2e4f1d0c9b8a"]
    )
    requested_by: OrganisationCode = Field(
        description="The organisation asking for the training.", examples=["kista"]
    )
    topic: PreventionTopic = Field(
        description="What the training should cover.", examples=["sex_for_compensation"]
    )
    audience: StaffGroup = Field(description="Who is to be trained.", examples=["social_services"])
    expected_participants: PositiveCount = Field(
        description="Expected number of participants.", examples=[15]
    )
    wanted_by: date | None = Field(
        default=None,
        description="When the training is wanted by, if it matters.",
        examples=["2026-05-01"],
    )
    note: LongText | None = Field(
        default=None,
        description="Anything the trainers should know, de-identified.",
        examples=["New staff in the youth unit since January"],
    )


class TrainingDelivered(EventData):
    """The central unit delivered a staff training, on request or on its own initiative."""

    training_id: UUID = Field(
        description="Id of the delivered training.",
        examples=["9e8d7c6b-5a49-4382-8170-6f5e4d3c2b1a"],
    )
    request_id: UUID | None = Field(
        default=None,
        description="The request it answers, if it was requested.",
        examples=["5c1f2b9d-6a0e-4a3b-8a7e-2e4f1d0c9b8a"],
    )
    delivered_by: OrganisationCode = Field(
        description="The organisation that gave the training.", examples=["socialtjanst"]
    )
    delivered_to: OrganisationCode = Field(
        description="The organisation whose staff were trained.", examples=["kista"]
    )
    delivered_on: date = Field(description="The day of the training.", examples=["2026-04-20"])
    topic: PreventionTopic = Field(
        description="What it covered.", examples=["sex_for_compensation"]
    )
    audience: StaffGroup = Field(description="Who was trained.", examples=["social_services"])
    participants: PositiveCount = Field(description="Number of participants.", examples=[14])
