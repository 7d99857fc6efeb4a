"""The base of every event's data, and the types and vocabularies events share."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from samverkan_contracts.guard import ensure_no_identity_numbers
from samverkan_contracts.organisations import (
    ORGANISATION_CODE_PATTERN,
    OrganisationKind,
    is_known_organisation,
    load_organisations,
)

#: Validation context key for callers that ran the guard over the whole input already
#: (the parse functions do, so nested models do not scan the same strings again).
ALREADY_GUARDED = "samverkan_identity_numbers_checked"

WIRE_MODEL_CONFIG = ConfigDict(
    frozen=True,
    extra="forbid",
    hide_input_in_errors=True,
    use_enum_values=False,
    ser_json_timedelta="iso8601",
)


class ProgrammeArea(enum.StrEnum):
    """The five parts of the city's programme (codes as in organisations.yaml)."""

    HOLISTIC = "holistic"
    PREVENTION = "prevention"
    OUTREACH = "outreach"
    TREATMENT = "treatment"
    TRAFFICKING = "trafficking"


class Sensitivity(enum.StrEnum):
    """Who may see an event's detail: restricted means trafficking specialists only."""

    NORMAL = "normal"
    RESTRICTED = "restricted"


class AgeBand(enum.StrEnum):
    """A coarse age band; never an exact age or birth date."""

    UNDER_13 = "under-13"
    AGE_13_15 = "13-15"
    AGE_16_17 = "16-17"
    AGE_18_24 = "18-24"
    AGE_25_34 = "25-34"
    AGE_35_49 = "35-49"
    AGE_50_PLUS = "50-plus"
    MIXED = "mixed"
    UNKNOWN = "unknown"


def _known_organisation(code: str) -> str:
    if not is_known_organisation(code):
        raise ValueError("unknown organisation code (see samverkan_contracts/organisations.yaml)")
    return code


def _housing_company(code: str) -> str:
    org = load_organisations().get(code)
    if org is None or org.kind is not OrganisationKind.COMPANY:
        raise ValueError("must be the code of a housing company")
    return code


#: An organisation code from organisations.yaml (data, not an enum: boundaries change).
OrganisationCode = Annotated[
    str,
    StringConstraints(pattern=ORGANISATION_CODE_PATTERN, max_length=64),
    AfterValidator(_known_organisation),
]

#: The code of one of the city's housing companies.
HousingCompanyCode = Annotated[OrganisationCode, AfterValidator(_housing_company)]


#: De-identified free text: no names, no numbers that identify a person.
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
PositiveCount = Annotated[int, Field(ge=1, le=1_000_000)]


class WireModel(BaseModel):
    """A frozen, closed model that refuses any identity number before validating fields."""

    model_config = WIRE_MODEL_CONFIG

    @model_validator(mode="before")
    @classmethod
    def _refuse_identity_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if not (info.context and info.context.get(ALREADY_GUARDED)):
            ensure_no_identity_numbers(value)
        return value


class EventData(WireModel):
    """The ``data`` of an event. Each subclass is one event type and version (see registry)."""
