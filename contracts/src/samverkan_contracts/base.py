"""The base of every event's data, and the types and vocabularies events share."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from samverkan_contracts.guard import ensure_no_identity_numbers
from samverkan_contracts.organisations import (
    ORGANISATION_CODE_PATTERN,
    OrganisationKind,
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


class OneOf:
    """Annotation: the string must be one of ``codes``, a set checked inside pydantic-core.

    A miss is the error a Python validator raising ``ValueError(message)`` gives (type
    ``value_error``, message ``Value error, <message>``), without a Python call per value.
    The JSON Schema is the string's own (a pattern, not an enum: the codes are data).
    """

    __slots__ = ("codes", "message")

    def __init__(self, codes: Iterable[str], message: str) -> None:
        self.codes = tuple(sorted(codes))
        self.message = message

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        known = core_schema.custom_error_schema(
            core_schema.literal_schema(list(self.codes)),
            custom_error_type="value_error",
            custom_error_context={"error": self.message},
        )
        return core_schema.chain_schema([handler(source), known])

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if schema["type"] == "chain":  # as made above: describe the string, not the set
            return handler(schema["steps"][0])
        return handler(schema)


def _codes(kind: OrganisationKind | None = None) -> list[str]:
    return [org.code for org in load_organisations() if kind is None or org.kind is kind]


#: An organisation code from organisations.yaml (data, not an enum: boundaries change; the
#: codes are read when this module is imported).
OrganisationCode = Annotated[
    str,
    StringConstraints(pattern=ORGANISATION_CODE_PATTERN, max_length=64),
    OneOf(_codes(), "unknown organisation code (see samverkan_contracts/organisations.yaml)"),
]

#: The code of one of the city's housing companies.
HousingCompanyCode = Annotated[
    OrganisationCode,
    OneOf(_codes(OrganisationKind.COMPANY), "must be the code of a housing company"),
]


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
