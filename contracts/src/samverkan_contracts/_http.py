"""HTTP binding: structured-mode JSON, single events and batches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from samverkan_contracts._event import (
    CloudEvent,
    parse_client_event,
    validate_client_guarded,
    wire_dict,
)
from samverkan_contracts._json import loads
from samverkan_contracts.base import EventData
from samverkan_contracts.errors import ErrorDetail, InvalidEventError
from samverkan_contracts.guard import ensure_no_identity_numbers

STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
MAX_BATCH_EVENTS = 500


def _decode(body: str | bytes) -> Any:
    try:
        return loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidEventError.single("$", "invalid_json", "the body is not valid JSON") from None


def parse_structured(body: str | bytes, *, actororg: str) -> CloudEvent[EventData]:
    """Parse one structured-mode event from a client; ``actororg`` comes from its token."""
    return parse_client_event(_decode(body), actororg=actororg)


def _reroot(detail: ErrorDetail, index: int) -> ErrorDetail:
    return ErrorDetail(
        path=f"$[{index}]" + detail["path"].removeprefix("$"),
        type=detail["type"],
        message=detail["message"],
    )


def parse_batch(body: str | bytes, *, actororg: str) -> list[CloudEvent[EventData]]:
    """Parse a batch from a client: all events or none. Errors name ``$[i]...`` paths."""
    raw = _decode(body)
    ensure_no_identity_numbers(raw)
    if not isinstance(raw, list):
        raise InvalidEventError.single("$", "array_type", "a batch is a JSON array of events")
    if len(raw) > MAX_BATCH_EVENTS:
        raise InvalidEventError.single(
            "$", "batch_too_large", f"a batch holds at most {MAX_BATCH_EVENTS} events"
        )
    events: list[CloudEvent[EventData]] = []
    errors: list[ErrorDetail] = []
    for index, item in enumerate(raw):
        try:
            events.append(validate_client_guarded(item, actororg=actororg))
        except InvalidEventError as error:
            errors.extend(_reroot(detail, index) for detail in error.errors)
    if errors:
        raise InvalidEventError(errors)
    return events


def to_structured(event: CloudEvent[EventData]) -> bytes:
    """The event as a structured-mode JSON body (``application/cloudevents+json``)."""
    return json.dumps(wire_dict(event), ensure_ascii=False).encode("utf-8")


def to_batch(events: Iterable[CloudEvent[EventData]]) -> bytes:
    """Events as a batch body (``application/cloudevents-batch+json``)."""
    return json.dumps([wire_dict(e) for e in events], ensure_ascii=False).encode("utf-8")


def error_body(error: InvalidEventError) -> dict[str, Sequence[ErrorDetail]]:
    """A JSON-ready response body for a refused event: paths and messages, never values."""
    return {"errors": list(error.errors)}
