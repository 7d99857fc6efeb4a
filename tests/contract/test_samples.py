"""Compatibility: golden samples of every type and version keep validating.

A sample is never edited to follow a model change. If a change breaks a sample, the
change is breaking: register the new shape as the next version of the type instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samverkan_contracts.envelope import from_kafka, parse_event, to_kafka, to_structured
from samverkan_contracts.guard import find_identity_numbers
from samverkan_contracts.registry import EVENT_TYPES

SAMPLES = Path(__file__).parents[2] / "contracts" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*/*.json"))


def test_every_registered_type_has_a_sample() -> None:
    missing = [t for t in EVENT_TYPES if not any((SAMPLES / t).glob("*.json"))]
    assert missing == []


def test_every_sample_folder_is_a_registered_type() -> None:
    folders = {p.name for p in SAMPLES.iterdir() if p.is_dir()}
    assert folders - set(EVENT_TYPES) == set()
    assert {p.parent.name for p in SAMPLE_FILES} == folders
    assert not [p for p in SAMPLES.rglob("*") if p.is_file() and p not in SAMPLE_FILES]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_sample_validates_and_survives_both_bindings(path: Path) -> None:
    raw = json.loads(path.read_text("utf-8"))
    assert raw["type"] == path.parent.name
    assert find_identity_numbers(raw) == []
    event = parse_event(raw)
    assert json.loads(to_structured(event)) == raw
    assert from_kafka(*to_kafka(event)) == event
    assert event.subject == EVENT_TYPES[raw["type"]].key_of(event.data)
