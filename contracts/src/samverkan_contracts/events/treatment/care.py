"""Treatment episodes and housing offered for exit support."""

import enum
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field

from samverkan_contracts.base import EventData, OrganisationCode
from samverkan_contracts.subjects import SubjectRef


def _episode_id() -> Any:
    return Field(
        description="Id of the treatment episode, the same on its start and end.",
        examples=["5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c"],
    )


class TreatmentKind(enum.StrEnum):
    """The kind of treatment or support given."""

    COUNSELLING = "counselling"
    TRAUMA_TREATMENT = "trauma_treatment"
    SUBSTANCE_TREATMENT = "substance_treatment"
    EXIT_PROGRAMME = "exit_programme"
    GROUP_SUPPORT = "group_support"
    OTHER = "other"


class EndReason(enum.StrEnum):
    """Why a treatment episode ended."""

    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    MOVED = "moved"


class HousingKind(enum.StrEnum):
    """The kind of housing offered."""

    EMERGENCY_SHELTER = "emergency_shelter"
    TRANSITIONAL_APARTMENT = "transitional_apartment"
    SUPPORTED_HOUSING = "supported_housing"
    OWN_TENANCY = "own_tenancy"


class TreatmentStarted(EventData):
    """A treatment episode started for a person."""

    episode_id: UUID = _episode_id()
    subject_ref: SubjectRef = Field(
        description="The person treated.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )
    provided_by: OrganisationCode = Field(
        description="The organisation giving the treatment.", examples=["socialtjanst"]
    )
    kind: TreatmentKind = Field(description="The kind of treatment.", examples=["exit_programme"])
    referral_id: UUID | None = Field(
        default=None,
        description="The referral that led to it, if any.",
        examples=["2d1c0b9a-8f7e-4d6c-b5a4-3f2e1d0c9b8a"],
    )
    started_on: date = Field(description="The first day of treatment.", examples=["2026-03-10"])


class TreatmentEnded(EventData):
    """A treatment episode ended: completed, dropped out or moved."""

    episode_id: UUID = _episode_id()
    ended_on: date = Field(description="The last day of treatment.", examples=["2026-09-30"])
    reason: EndReason = Field(description="Why it ended.", examples=["completed"])


class HousingOffered(EventData):
    """Housing was offered to a person as part of exit support."""

    offer_id: UUID = Field(
        description="Id of the offer.", examples=["6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b"]
    )
    subject_ref: SubjectRef = Field(
        description="The person offered housing.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )
    offered_by: OrganisationCode = Field(
        description="The organisation making the offer (a district or a housing company).",
        examples=["familjebostader"],
    )
    kind: HousingKind = Field(
        description="The kind of housing.", examples=["transitional_apartment"]
    )
    available_from: date = Field(description="When it can be moved into.", examples=["2026-04-01"])
