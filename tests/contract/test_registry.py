"""The registry table and the topics: one place says what travels where, keyed by what."""

from __future__ import annotations

import pytest

from samverkan_contracts.base import ProgrammeArea, Sensitivity
from samverkan_contracts.events import plans
from samverkan_contracts.registry import (
    EVENT_TYPES,
    SPECS_BY_MODEL,
    TYPE_PATTERN,
    spec_for,
    types_on_topic,
)
from samverkan_contracts.topics import AREA_TOPICS, DEADLETTER, ERASURES, TOPICS, topic_by_name

IRREGULAR_PAST = {"held", "sent", "made", "withdrawn"}


def test_topics_are_the_declared_ones() -> None:
    assert [t.name for t in TOPICS] == [
        "samverkan.prevention.v1",
        "samverkan.outreach.v1",
        "samverkan.treatment.v1",
        "samverkan.trafficking.v1",
        "samverkan.deadletter.v1",
        "samverkan.erasures.v1",
    ]
    assert ERASURES.compacted
    assert not any(t.compacted for t in TOPICS if t is not ERASURES)
    assert topic_by_name("samverkan.treatment.v1") in TOPICS
    assert topic_by_name("samverkan.nothing.v1") is None


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_types_are_reverse_dns_past_tense_and_versioned(event_type: str) -> None:
    spec = EVENT_TYPES[event_type]
    assert TYPE_PATTERN.match(event_type)
    verb = event_type.split(".")[-2]
    assert verb.endswith("ed") or verb in IRREGULAR_PAST
    assert spec.model.__name__.lower().endswith(verb)
    assert spec.version >= 1
    assert f"{spec.name}.v{spec.version}" == event_type
    assert spec_for(event_type) is spec


def test_each_model_belongs_to_exactly_one_type() -> None:
    assert len(SPECS_BY_MODEL) == len(EVENT_TYPES)


def test_every_area_has_a_plan_type_on_its_service_topic() -> None:
    for area in ProgrammeArea:
        spec = EVENT_TYPES[f"se.stockholm.samverkan.{area}.plan.updated.v1"]
        assert issubclass(spec.model, plans.PlanUpdated)
        assert spec.area is area
        assert spec.topic is AREA_TOPICS[area]
    assert AREA_TOPICS[ProgrammeArea.HOLISTIC].name == "samverkan.prevention.v1"


def test_area_events_go_to_their_area_topic_and_erasures_to_the_compacted_topic() -> None:
    for spec in EVENT_TYPES.values():
        expected = (
            ERASURES if spec.type.endswith("erasure.requested.v1") else AREA_TOPICS[spec.area]
        )
        assert spec.topic is expected
    assert types_on_topic(DEADLETTER) == ()
    for topic in TOPICS:
        if topic is not DEADLETTER:
            assert types_on_topic(topic), topic.name


def test_trafficking_case_events_and_only_they_are_restricted() -> None:
    for spec in EVENT_TYPES.values():
        case_event = spec.area is ProgrammeArea.TRAFFICKING and not issubclass(
            spec.model, plans.PlanUpdated
        )
        assert (spec.sensitivity is Sensitivity.RESTRICTED) == case_event, spec.type


def test_a_spec_refuses_another_types_data() -> None:
    sent = EVENT_TYPES["se.stockholm.samverkan.treatment.referral.sent.v1"]
    other = EVENT_TYPES["se.stockholm.samverkan.treatment.referral.received.v1"]
    data = other.model.model_validate(
        {"referral_id": "2d1c0b9a-8f7e-4d6c-b5a4-3f2e1d0c9b8a", "received_by": "kista"}
    )
    assert other.key_of(data) == "2d1c0b9a-8f7e-4d6c-b5a4-3f2e1d0c9b8a"
    with pytest.raises(TypeError):
        sent.key_of(data)
