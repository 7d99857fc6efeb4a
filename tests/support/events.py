"""Events for tests, made from the golden samples with fresh random ids."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

STRUCTURED = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}
SAMPLES = Path(__file__).parents[2] / "contracts" / "samples"


def sample(event_type: str) -> dict[str, Any]:
    """The first golden sample of a type, as a client would send it (no ``actororg``)."""
    path = min((SAMPLES / event_type).glob("*.json"))
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    event.pop("actororg", None)
    event.pop("traceparent", None)
    event["id"] = str(uuid.uuid4())
    event["correlationid"] = event["id"]
    return event


_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def local_id() -> str:
    """A random local id (a reserve number, an alias) without digits: a random hex id holds a
    valid identity number about once in a few thousand, and its reference is refused."""
    return "alias-" + uuid.uuid4().hex.translate(_NO_DIGITS)
