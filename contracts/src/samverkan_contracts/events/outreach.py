"""Outreach: field and online contacts, arena observations, joint operations, housing signals."""

import enum
from datetime import date
from typing import Self
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from samverkan_contracts.base import (
    AgeBand,
    Count,
    EventData,
    HousingCompanyCode,
    LongText,
    OrganisationCode,
    PositiveCount,
    ShortText,
)
from samverkan_contracts.subjects import SubjectRef


class Arena(enum.StrEnum):
    """Where prostitution is met: the arenas of outreach work."""

    STREET = "street"
    INTERNET = "internet"
    HOTEL = "hotel"
    MASSAGE_PARLOUR = "massage_parlour"
    OTHER = "other"


class Need(enum.StrEnum):
    """A need identified in a contact."""

    HOUSING = "housing"
    HEALTH_CARE = "health_care"
    SEXUAL_HEALTH = "sexual_health"
    SUBSTANCE_TREATMENT = "substance_treatment"
    PSYCHIATRIC_CARE = "psychiatric_care"
    PROTECTION = "protection"
    FINANCIAL_SUPPORT = "financial_support"
    LEGAL_ADVICE = "legal_advice"
    EXIT_SUPPORT = "exit_support"
    INTERPRETER = "interpreter"
    OTHER = "other"


class ObservationUnit(enum.StrEnum):
    """What an arena observation counts."""

    ONLINE_ADS = "online_ads"
    VENUES = "venues"
    PEOPLE_SEEN = "people_seen"


class HousingIndicator(enum.StrEnum):
    """What made a housing company suspect prostitution in a property."""

    MANY_SHORT_VISITS = "many_short_visits"
    ADVERTISEMENT_LINKED_TO_ADDRESS = "advertisement_linked_to_address"
    NEIGHBOUR_REPORTS = "neighbour_reports"
    UNAUTHORISED_SUBLETTING = "unauthorised_subletting"
    OTHER = "other"


class ContactMade(EventData):
    """An outreach contact was made: either with a known (pseudonymous) person or anonymous."""

    contact_id: UUID = Field(
        description="Id of the contact.", examples=["3f2e1d0c-9b8a-4765-8432-10fedcba9876"]
    )
    contacted_at: AwareDatetime = Field(
        description="When the contact happened.", examples=["2026-02-14T22:40:00+01:00"]
    )
    arena: Arena = Field(description="Where the contact was made.", examples=["street"])
    subject_ref: SubjectRef | None = Field(
        default=None,
        description="The person contacted, when known; omit for anonymous contacts.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )
    anonymous_count: PositiveCount | None = Field(
        default=None,
        description="How many people were met anonymously; omit when subject_ref is given.",
        examples=[3],
    )
    age_band: AgeBand = Field(description="Age band of the person or group.", examples=["18-24"])
    needs_identified: tuple[Need, ...] = Field(
        default=(),
        description="Needs identified in the contact.",
        examples=[["housing", "health_care"]],
    )

    @model_validator(mode="after")
    def _subject_or_count(self) -> Self:
        if (self.subject_ref is None) == (self.anonymous_count is None):
            raise ValueError("give either subject_ref or anonymous_count, not both or neither")
        return self


class ArenaObserved(EventData):
    """An arena was observed over a period (for example online ads for a district)."""

    observation_id: UUID = Field(
        description="Id of the observation.", examples=["6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"]
    )
    arena: Arena = Field(description="The arena observed.", examples=["internet"])
    period_start: date = Field(description="First day of the period.", examples=["2026-01-01"])
    period_end: date = Field(description="Last day of the period.", examples=["2026-01-31"])
    unit: ObservationUnit = Field(description="What was counted.", examples=["online_ads"])
    observed_count: Count = Field(description="How many were counted.", examples=[42])
    note: ShortText | None = Field(
        default=None, description="Method or caveats.", examples=["Two escort sites, daily sample"]
    )

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class JointOperationPlanned(EventData):
    """The central unit and one or more districts planned a joint outreach operation."""

    operation_id: UUID = Field(
        description="Id of the operation.", examples=["7b6c5d4e-3f2a-4b1c-8d9e-0f1a2b3c4d5e"]
    )
    planned_for: date = Field(description="The day of the operation.", examples=["2026-03-20"])
    arena: Arena = Field(description="The arena the operation covers.", examples=["hotel"])
    participants: tuple[OrganisationCode, ...] = Field(
        min_length=2,
        description="The organisations taking part (at least two).",
        examples=[["socialtjanst", "norrmalm"]],
    )
    purpose: ShortText = Field(
        description="What the operation is for.", examples=["Hotel outreach during trade fair week"]
    )


class JointOperationCompleted(EventData):
    """A joint outreach operation was carried out."""

    operation_id: UUID = Field(
        description="Id of the operation.", examples=["7b6c5d4e-3f2a-4b1c-8d9e-0f1a2b3c4d5e"]
    )
    completed_on: date = Field(description="The day it was carried out.", examples=["2026-03-20"])
    contacts_made: Count = Field(description="Contacts made during the operation.", examples=[9])
    referrals_made: Count = Field(description="Referrals that followed.", examples=[2])
    note: LongText | None = Field(
        default=None,
        description="De-identified summary.",
        examples=["Most contacts via hotel staff"],
    )


class HousingSignalReported(EventData):
    """A housing company reported a suspicion of prostitution in one of its properties."""

    signal_id: UUID = Field(
        description="Id of the signal.", examples=["8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f"]
    )
    reported_by: HousingCompanyCode = Field(
        description="The housing company reporting.", examples=["stockholmshem"]
    )
    property_ref: ShortText = Field(
        description="The company's own property reference; never an address or tenant name.",
        examples=["SH-4711-B"],
    )
    indicators: tuple[HousingIndicator, ...] = Field(
        min_length=1,
        description="What raised the suspicion.",
        examples=[["many_short_visits", "advertisement_linked_to_address"]],
    )
    observed_on: date = Field(description="When it was last observed.", examples=["2026-02-02"])
