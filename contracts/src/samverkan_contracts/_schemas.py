"""JSON Schema for each event type and version, in the structured (HTTP) form."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from samverkan_contracts._event import envelope_model

if TYPE_CHECKING:
    from samverkan_contracts.registry import EventSpec

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_PREFIX = "urn:se:stockholm:samverkan:schema:"


def schema_file_name(event_type: str) -> str:
    """The file a type's schema is written to, under ``contracts/schemas/``."""
    return f"{event_type}.json"


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def prune_unused_defs(schema: dict[str, Any], prefix: str = "#/$defs/") -> None:
    """Drop definitions nothing refers to any more (in place)."""
    defs: dict[str, Any] = schema.get("$defs", {})
    while True:
        used = {ref.removeprefix(prefix) for ref in _refs(schema) if ref.startswith(prefix)}
        unused = [name for name in defs if name not in used]
        if not unused:
            break
        for name in unused:
            del defs[name]
    if not defs:
        schema.pop("$defs", None)


def fix_constants(properties: dict[str, Any], spec: EventSpec[Any]) -> None:
    """Pin the attributes the registry fixes for a type to constants (in place)."""
    for name, value in (
        ("type", spec.type),
        ("programmearea", spec.area.value),
        ("sensitivity", spec.sensitivity.value),
    ):
        description = properties[name].get("description", "")
        properties[name] = {"const": value, "type": "string", "description": description}


def event_schema(spec: EventSpec[Any]) -> dict[str, Any]:
    """The JSON Schema of one event type: envelope and data, with fixed attributes as consts."""
    schema = copy.deepcopy(envelope_model(spec.model).model_json_schema(mode="validation"))
    fix_constants(schema["properties"], spec)
    prune_unused_defs(schema)
    doc = (spec.model.__doc__ or "").strip()
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID_PREFIX + spec.type,
        **schema,
        "title": spec.type,
        "description": f"{doc}\n\nKafka topic {spec.topic.name}, key {spec.key_description}.",
    }


def render_schema(spec: EventSpec[Any]) -> str:
    """The schema file's text (stable: same input, same bytes)."""
    return json.dumps(event_schema(spec), indent=2, ensure_ascii=False) + "\n"
