"""The outreach service takes every event type of its topic, each with a writer rule."""

from __future__ import annotations

from outreach.services import USE_CASES

from samverkan_common.authz import RULES, family
from samverkan_contracts.registry import types_on_topic
from samverkan_contracts.topics import OUTREACH


def test_every_event_type_on_the_outreach_topic_has_a_use_case() -> None:
    assert set(USE_CASES) == {spec.type for spec in types_on_topic(OUTREACH)}


def test_every_event_type_taken_has_writers() -> None:
    assert all(RULES.get(family(event_type)) for event_type in USE_CASES)
