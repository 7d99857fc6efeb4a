"""Human trafficking for sexual purposes. Every event here is restricted: trafficking
specialists see the detail, everyone else sees k-anonymous counts."""

import enum
from datetime import date
from typing import Any, Self
from uuid import UUID

from pydantic import Field, model_validator

from samverkan_contracts.base import AgeBand, EventData, OrganisationCode
from samverkan_contracts.subjects import SubjectRef


def _case_id() -> Any:
    return Field(
        description="Id of the trafficking case, the same on every event about it.",
        examples=["0f9e8d7c-6b5a-4f3e-9d1c-0b9a8f7e6d5c"],
    )


class TraffickingIndicator(enum.StrEnum):
    """An indicator of human trafficking observed in the case."""

    CONTROLLED_BY_OTHERS = "controlled_by_others"
    DEBT_BONDAGE = "debt_bondage"
    DOCUMENTS_TAKEN = "documents_taken"
    RECRUITED_BY_DECEPTION = "recruited_by_deception"
    NO_CONTROL_OVER_MONEY = "no_control_over_money"
    SIGNS_OF_VIOLENCE = "signs_of_violence"
    MOVED_BETWEEN_LOCATIONS = "moved_between_locations"
    ADVERTISED_BY_OTHERS = "advertised_by_others"
    MINOR = "minor"
    OTHER = "other"


class CoarseOrigin(enum.StrEnum):
    """Where the person comes from, coarse enough not to identify anyone."""

    SWEDEN = "sweden"
    NORDIC = "nordic"
    EU_EEA = "eu_eea"
    EUROPE_OUTSIDE_EU = "europe_outside_eu"
    AFRICA = "africa"
    ASIA = "asia"
    AMERICAS = "americas"
    OCEANIA = "oceania"
    UNKNOWN = "unknown"


class ProtectionKind(enum.StrEnum):
    """A protective measure arranged for the person."""

    SAFE_HOUSING = "safe_housing"
    PROTECTED_PERSONAL_DATA = "protected_personal_data"
    ESCORT = "escort"
    MEDICAL_CARE = "medical_care"
    OTHER = "other"


class CaseOutcome(enum.StrEnum):
    """How a trafficking case was closed."""

    SUPPORTED_RETURN = "supported_return"
    RESIDENCE_PERMIT = "residence_permit"
    PROSECUTION_INITIATED = "prosecution_initiated"
    MOVED_TO_OTHER_MUNICIPALITY = "moved_to_other_municipality"
    CONTACT_LOST = "contact_lost"
    OTHER = "other"


class SuspicionRegistered(EventData):
    """A suspicion of human trafficking was registered; this opens a case."""

    case_id: UUID = _case_id()
    subject_ref: SubjectRef | None = Field(
        default=None,
        description="The person, when a reference can be made.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )
    indicators: tuple[TraffickingIndicator, ...] = Field(
        min_length=1,
        description="The indicators observed.",
        examples=[["debt_bondage", "documents_taken"]],
    )
    origin: CoarseOrigin = Field(description="Coarse origin of the person.", examples=["eu_eea"])
    age_band: AgeBand = Field(description="Age band of the person.", examples=["18-24"])


class PoliceReportFiled(EventData):
    """A police report was filed in the case."""

    case_id: UUID = _case_id()
    filed_by: OrganisationCode = Field(
        description="The organisation that filed it.", examples=["socialtjanst"]
    )
    filed_on: date = Field(description="When it was filed.", examples=["2026-02-03"])


class ProtectionArranged(EventData):
    """A protective measure was arranged for the person."""

    case_id: UUID = _case_id()
    arranged_by: OrganisationCode = Field(
        description="The organisation that arranged it.", examples=["socialtjanst"]
    )
    kind: ProtectionKind = Field(description="The measure.", examples=["safe_housing"])
    arranged_on: date = Field(description="When it was arranged.", examples=["2026-02-04"])


class ReflectionPeriodGranted(EventData):
    """A reflection period (a temporary residence permit to recover and decide) was granted."""

    case_id: UUID = _case_id()
    valid_from: date = Field(description="First day of the period.", examples=["2026-02-10"])
    valid_until: date = Field(description="Last day of the period.", examples=["2026-03-11"])

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class TraffickingCaseClosed(EventData):
    """The trafficking case was closed."""

    case_id: UUID = _case_id()
    closed_on: date = Field(description="When it was closed.", examples=["2026-06-30"])
    outcome: CaseOutcome = Field(description="How it ended.", examples=["residence_permit"])
