"""Kafka binding, binary content mode: attributes in ``ce_`` headers, data as the value.

Records are written with the CloudEvents SDK (``cloudevents.core.bindings.kafka``)
and read with the reverse mapping here; the record key is the event's subject,
the aggregate id from the registry. The
W3C trace context of the event's creation travels as ``ce_traceparent`` (the
distributed-tracing extension); a transport-level ``traceparent`` header added by
telemetry middleware is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent as SdkCloudEvent

from samverkan_contracts._event import CloudEvent, validate_guarded, wire_dict
from samverkan_contracts._json import loads
from samverkan_contracts.errors import InvalidEventError
from samverkan_contracts.guard import ensure_no_identity_numbers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from samverkan_contracts.base import EventData

_PREFIX = kafka.CE_PREFIX
_PREFIX_LENGTH = len(_PREFIX)
_CONTENT_TYPE = "content-type"
_FORMAT = JSONFormat()


class KafkaRecord(NamedTuple):
    """What to hand a Kafka producer: key, value and headers."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def to_kafka(event: CloudEvent[EventData]) -> KafkaRecord:
    """The event as a binary-mode record; the topic is ``event.spec.topic.name``."""
    attributes = wire_dict(event)
    data = attributes.pop("data")
    attributes["time"] = event.time
    message = kafka.to_binary(
        SdkCloudEvent(attributes, data), _FORMAT, key_mapper=lambda _: event.subject
    )
    return KafkaRecord(
        key=event.subject.encode("utf-8"),
        value=message.value,
        headers=list(message.headers.items()),
    )


#: Header name -> attribute, for the names the platform writes (in lower case, as the SDK
#: does). The content type is kept under its header's name until the end (no ``ce_`` name
#: maps to that); the W3C headers of the transport hop map to "", to be dropped.
_ATTRIBUTE_OF_HEADER: dict[str, str] = {
    **{_PREFIX + name: name for name in CloudEvent.model_fields if name != "data"},
    _CONTENT_TYPE: _CONTENT_TYPE,
    **dict.fromkeys(("traceparent", "tracestate", "baggage"), ""),
}


def _attributes(headers: Sequence[tuple[str, bytes]]) -> dict[str, object]:
    """The ``ce_`` headers as attributes (``content-type`` as ``datacontenttype``), decoded.

    The usual record takes one dictionary look-up per header. Any other header name (in
    another case, say), a header given twice or one that is not UTF-8 sends the record to
    ``_attributes_by_rule``, which gives the same answer (or error) for any headers.
    """
    try:
        raw: dict[str, object] = {
            _ATTRIBUTE_OF_HEADER[name]: value.decode("utf-8") for name, value in headers
        }
    except (KeyError, UnicodeDecodeError, AttributeError):  # AttributeError: a null value
        return _attributes_by_rule(headers)
    if len(raw) != len(headers):  # a name twice (or two transport headers)
        return _attributes_by_rule(headers)
    raw.pop("", None)
    if _CONTENT_TYPE in raw:  # set last, as _attributes_by_rule does
        raw["datacontenttype"] = raw.pop(_CONTENT_TYPE)
    return raw


def _attributes_by_rule(headers: Sequence[tuple[str, bytes]]) -> dict[str, object]:
    """``_attributes`` for any headers: ``ce_`` names in any case, other names ignored."""
    raw: dict[str, object] = {}
    seen: set[str] = set()
    content_type: str | None = None
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(_PREFIX):
            attribute: str | None = lower[_PREFIX_LENGTH:]
        elif lower == _CONTENT_TYPE:
            attribute = None
        else:
            continue
        if lower in seen:
            path = "$." + lower.removeprefix(_PREFIX)
            raise InvalidEventError.single(path, "duplicate_header", "header given twice")
        seen.add(lower)
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            path = "$." + lower.removeprefix(_PREFIX)
            raise InvalidEventError.single(path, "header_encoding", "not UTF-8") from None
        if attribute is None:
            content_type = text
        else:
            raw[attribute] = text
    if content_type is not None:
        raw["datacontenttype"] = content_type
    return raw


def from_kafka(
    key: bytes | None, value: bytes, headers: Sequence[tuple[str, bytes]]
) -> CloudEvent[EventData]:
    """Parse a binary-mode record published by the platform (``ce_actororg`` included).

    Raises InvalidEventError; IdentityNumberFoundError if any attribute or the data
    holds an identity number. The key, when given, must be the event's subject.
    The reverse of the SDK's mapping, done here (the SDK's reader costs more than
    the rest of parsing); tests check both directions against the SDK.
    """
    raw = _attributes(headers)
    try:
        data = loads(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidEventError.single("$.data", "invalid_json", "the value is not JSON") from None
    raw["data"] = data
    ensure_no_identity_numbers(raw)
    if "specversion" not in raw:
        raise InvalidEventError.single(
            "$.specversion", "not_binary_mode", "not a binary-mode CloudEvent (no ce_specversion)"
        )
    event = validate_guarded(raw)
    if key is not None and key != event.subject.encode("utf-8"):
        raise InvalidEventError.single(
            "$.subject", "key_mismatch", "the record key is not the event's subject"
        )
    return event
