"""Generated artefacts: present for every type, and current (a stale file fails the build)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from samverkan_contracts import generate
from samverkan_contracts.registry import EVENT_TYPES
from samverkan_contracts.topics import TOPICS

ROOT = Path(__file__).parents[2]


def test_every_generated_file_is_current() -> None:
    stale = generate.stale_files(ROOT)
    assert stale == [], "run `make schemas` (python -m samverkan_contracts.generate)"


def _asyncapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / generate.ASYNCAPI_FILE).read_text("utf-8"))
    return document


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_type_has_a_schema_and_an_asyncapi_message_on_its_channel(event_type: str) -> None:
    spec = EVENT_TYPES[event_type]
    schema = json.loads((ROOT / generate.SCHEMAS_DIR / f"{event_type}.json").read_text("utf-8"))
    assert schema["properties"]["type"]["const"] == event_type
    assert schema["properties"]["sensitivity"]["const"] == spec.sensitivity
    assert "data" in schema["required"]
    document = _asyncapi()
    message = document["components"]["messages"][event_type]
    assert message["payload"] == {"$ref": f"#/components/schemas/{spec.model.__name__}"}
    assert spec.model.__name__ in document["components"]["schemas"]
    channel = next(c for c in document["channels"].values() if c["address"] == spec.topic.name)
    assert event_type in channel["messages"]


def test_asyncapi_channels_are_the_topics_with_kafka_bindings() -> None:
    document = _asyncapi()
    assert document["asyncapi"] == "3.0.0"
    channels = {c["address"]: c for c in document["channels"].values()}
    assert list(channels) == [t.name for t in TOPICS]
    for topic in TOPICS:
        assert channels[topic.name]["bindings"]["kafka"]["partitions"] == topic.partitions
    headers = document["components"]["schemas"]["CloudEventKafkaHeaders"]["properties"]
    assert {"ce_id", "ce_type", "ce_actororg", "ce_traceparent", "content-type"} <= set(headers)
    for operation in document["operations"].values():
        assert operation["channel"]["$ref"].removeprefix("#/channels/") in document["channels"]


def test_asyncapi_references_all_resolve() -> None:
    document = _asyncapi()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]


def test_topics_yaml_keeps_the_format_the_local_stack_reads() -> None:
    parsed = yaml.safe_load((ROOT / generate.TOPICS_FILE).read_text("utf-8"))
    assert parsed == {
        "topics": [
            {"name": t.name, "partitions": t.partitions, "config": dict(t.config)} for t in TOPICS
        ]
    }


def test_the_generator_detects_and_repairs_stale_files(tmp_path: Path) -> None:
    (tmp_path / "contracts").mkdir()
    shutil.copy(ROOT / "contracts" / "pyproject.toml", tmp_path / "contracts" / "pyproject.toml")
    assert generate.main(["--root", str(tmp_path), "--check"]) == 1
    assert generate.main(["--root", str(tmp_path)]) == 0
    assert generate.main(["--root", str(tmp_path), "--check"]) == 0
    schema = tmp_path / generate.SCHEMAS_DIR / f"{min(EVENT_TYPES)}.json"
    schema.write_text(schema.read_text("utf-8").replace('"const"', '"konst"'), "utf-8")
    orphan = tmp_path / generate.SCHEMAS_DIR / "se.stockholm.samverkan.gone.thing.removed.v1.json"
    orphan.write_text("{}", "utf-8")
    assert set(generate.stale_files(tmp_path)) == {
        schema.relative_to(tmp_path),
        orphan.relative_to(tmp_path),
    }
    generate.main(["--root", str(tmp_path)])
    assert generate.stale_files(tmp_path) == []
    assert not orphan.exists()
