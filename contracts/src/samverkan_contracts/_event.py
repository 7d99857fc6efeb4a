"""The CloudEvents 1.0 envelope as a frozen pydantic model, and building and parsing events.

Our own model rather than the ``cloudevents`` SDK's: the SDK's pydantic class allows
any extra attribute and types ``data`` as Any, while every event here is closed,
typed and guarded. The SDK does the Kafka binding (see ``_kafka``).
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Annotated, Any, Final, Generic, Literal, Self, TypeVar, cast
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    SerializeAsAny,
    StringConstraints,
    ValidationError,
    model_validator,
)

from samverkan_contracts.base import (
    ALREADY_GUARDED,
    EventData,
    OrganisationCode,
    ProgrammeArea,
    Sensitivity,
    WireModel,
)
from samverkan_contracts.errors import InvalidEventError
from samverkan_contracts.guard import ensure_no_identity_numbers
from samverkan_contracts.registry import EVENT_TYPES, TYPE_PATTERN, EventSpec, spec_for_data

DataT_co = TypeVar("DataT_co", bound=EventData, covariant=True)
D = TypeVar("D", bound=EventData)

SPECVERSION: Final = "1.0"
DATACONTENTTYPE: Final = "application/json"
TRACEPARENT_PATTERN = r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


def _trace_ids_not_zero(value: str) -> str:
    _, trace_id, parent_id, _ = value.split("-")  # 32 and 16 hex digits, by the pattern
    if not trace_id.strip("0") or not parent_id.strip("0"):
        raise ValueError("trace-id and parent-id must not be all zeros")
    return value


Traceparent = Annotated[
    str, StringConstraints(pattern=TRACEPARENT_PATTERN), AfterValidator(_trace_ids_not_zero)
]


class CloudEvent(WireModel, Generic[DataT_co]):
    """A Samverkan event: a CloudEvents 1.0 envelope with typed, guarded data.

    ``type``, ``programmearea``, ``sensitivity`` and ``subject`` must agree with the
    registry; ``new_event`` fills them in. ``actororg`` is set by the platform from
    the caller's token and never taken from a client.
    """

    specversion: Literal["1.0"] = Field(
        default=SPECVERSION, description="CloudEvents version.", examples=[SPECVERSION]
    )
    id: UUID = Field(
        description="Unique id of the event, kept unchanged on every retry (deduplication key).",
        examples=["8d5f8a5e-0c63-4f0e-9a84-5a8d2f7d3b21"],
    )
    source: Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^\S+$")] = (
        Field(
            description="URI reference of the system that produced the event.",
            examples=["/districts/kista/case-system"],
        )
    )
    type: Annotated[str, StringConstraints(pattern=TYPE_PATTERN.pattern)] = Field(
        description="Registered event type: reverse-DNS, past tense, versioned.",
        examples=["se.stockholm.samverkan.treatment.referral.sent.v1"],
    )
    time: AwareDatetime = Field(
        description="When the occurrence happened (RFC 3339, with offset).",
        examples=["2026-03-01T09:30:00+01:00"],
    )
    subject: Annotated[str, StringConstraints(min_length=1, max_length=128)] = Field(
        description="The aggregate the event is about (also the Kafka key): a referral id, "
        "consultation id, plan id, case id or subject reference.",
        examples=["2d1c0b9a-8f7e-4d6c-b5a4-3f2e1d0c9b8a"],
    )
    datacontenttype: Literal["application/json"] = Field(
        default=DATACONTENTTYPE, description="Media type of data.", examples=[DATACONTENTTYPE]
    )
    district: OrganisationCode = Field(
        description="Extension: the organisation the event concerns.", examples=["kista"]
    )
    actororg: OrganisationCode = Field(
        description="Extension: the organisation that published the event, set by the "
        "platform from the caller's token (never accepted from a client).",
        examples=["kista"],
    )
    programmearea: ProgrammeArea = Field(
        description="Extension: the programme area (fixed by the type).", examples=["treatment"]
    )
    sensitivity: Sensitivity = Field(
        description="Extension: normal, or restricted to trafficking specialists (fixed by "
        "the type).",
        examples=["normal"],
    )
    correlationid: UUID = Field(
        description="Extension: id shared by every event of one flow (the first event's id).",
        examples=["8d5f8a5e-0c63-4f0e-9a84-5a8d2f7d3b21"],
    )
    causationid: UUID | None = Field(
        default=None,
        description="Extension: id of the event or request that caused this one.",
        examples=["0e7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a"],
    )
    traceparent: Traceparent | None = Field(
        default=None,
        description="Distributed tracing extension: W3C trace context in which the event "
        "was created.",
        examples=["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    )
    tracestate: Annotated[str, StringConstraints(max_length=512)] | None = Field(
        default=None,
        description="Distributed tracing extension: W3C tracestate, vendor data.",
        examples=["congo=t61rcWkgMzE"],
    )
    data: SerializeAsAny[DataT_co] = Field(
        description="The event's data; its model is fixed by type."
    )

    @model_validator(mode="after")
    def _agrees_with_registry(self) -> Self:
        spec = EVENT_TYPES.get(self.type)
        if spec is None:
            raise ValueError("type is not a registered event type")
        data = self.data
        if type(data) is not spec.model:
            raise ValueError("data is not the data model of this type")
        if self.programmearea is not spec.area:
            raise ValueError(f"programmearea must be {spec.area.value!r} for this type")
        if self.sensitivity is not spec.sensitivity:
            raise ValueError(f"sensitivity must be {spec.sensitivity.value!r} for this type")
        if self.subject != spec.key(data):  # key_of without its type check, done just above
            raise ValueError(f"subject must be the aggregate key ({spec.key_description})")
        return self

    @property
    def spec(self) -> EventSpec[Any]:
        """The registry entry for this event's type."""
        return EVENT_TYPES[self.type]

    def data_as(self, model: builtins.type[D]) -> D:
        """The data, typed as ``model``; TypeError if it is another type's data."""
        data: EventData = self.data
        if not isinstance(data, model):
            raise TypeError(f"{self.type} does not carry {model.__name__}")
        return data

    def trace_carrier(self) -> dict[str, str]:
        """The W3C trace headers, for an OpenTelemetry propagator's ``extract``."""
        carrier = {"traceparent": self.traceparent, "tracestate": self.tracestate}
        return {k: v for k, v in carrier.items() if v is not None}


_ENVELOPES: dict[type[EventData], type[CloudEvent[EventData]]] = {}


def envelope_model(model: type[EventData]) -> type[CloudEvent[EventData]]:
    """The envelope parametrised with one data model (made once per model)."""
    if model not in _ENVELOPES:
        parametrised = CloudEvent[model]  # type: ignore[valid-type]
        _ENVELOPES[model] = cast("type[CloudEvent[EventData]]", parametrised)
    return _ENVELOPES[model]


def new_event(  # noqa: PLR0913 - every argument is one envelope attribute, keyword-only
    data: D,
    *,
    source: str,
    district: str,
    actororg: str,
    event_id: UUID | None = None,
    time: datetime | None = None,
    correlationid: UUID | None = None,
    causationid: UUID | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
) -> CloudEvent[D]:
    """Wrap ``data`` in an envelope; type, area, sensitivity and subject come from the registry.

    Store the result (with its id) before sending, so that retries resend the same id.
    """
    spec = spec_for_data(data)
    new_id = event_id or uuid.uuid4()
    event = envelope_model(spec.model)(
        id=new_id,
        source=source,
        type=spec.type,
        time=time or datetime.now(UTC),
        subject=spec.key_of(data),
        district=district,
        actororg=actororg,
        programmearea=spec.area,
        sensitivity=spec.sensitivity,
        correlationid=correlationid or new_id,
        causationid=causationid,
        traceparent=traceparent,
        tracestate=tracestate,
        data=data,
    )
    return cast("CloudEvent[D]", event)


def parse_event(raw: object) -> CloudEvent[EventData]:
    """Validate a trusted, already-decoded event (``actororg`` included), e.g. from the outbox.

    Raises InvalidEventError (IdentityNumberFoundError when a number is found).
    """
    ensure_no_identity_numbers(raw)
    return validate_guarded(raw)


#: The validation context of input the guard has scanned already.
_GUARDED: Final = MappingProxyType({ALREADY_GUARDED: True})


def validate_guarded(raw: object) -> CloudEvent[EventData]:
    """Validate an event whose every string the caller has already run through the guard."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InvalidEventError.single("$", "object_type", "an event is a JSON object")
    event_type = raw.get("type")
    spec = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
    if spec is None:
        raise InvalidEventError.single(
            "$.type", "unknown_type", "not a registered event type (see the AsyncAPI document)"
        )
    try:
        event = envelope_model(spec.model).__pydantic_validator__.validate_python(
            raw, context=_GUARDED
        )
    except ValidationError as error:
        raise InvalidEventError.from_validation_error(error) from None
    return cast("CloudEvent[EventData]", event)


def parse_client_event(raw: object, *, actororg: str) -> CloudEvent[EventData]:
    """Validate an event sent by a client; ``actororg`` comes from the caller's verified token.

    An event that sets ``actororg`` itself is refused.
    """
    ensure_no_identity_numbers(raw)
    return validate_client_guarded(raw, actororg=actororg)


def validate_client_guarded(raw: object, *, actororg: str) -> CloudEvent[EventData]:
    """``parse_client_event`` for input the caller has already run through the guard."""
    if not isinstance(raw, Mapping):
        raise InvalidEventError.single("$", "object_type", "an event is a JSON object")
    if "actororg" in raw:
        raise InvalidEventError.single(
            "$.actororg",
            "platform_attribute",
            "actororg is set by the platform from your token; leave it out",
        )
    return validate_guarded({**raw, "actororg": actororg})


def wire_dict(event: CloudEvent[EventData]) -> dict[str, Any]:
    """The event as a JSON-ready dict in the CloudEvents JSON format (absent attributes omitted)."""
    return event.model_dump(mode="json", exclude_none=True)
