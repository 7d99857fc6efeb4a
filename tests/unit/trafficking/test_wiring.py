"""The trafficking service takes every event type of its topic, each written only by
trafficking specialists (plans by district managers)."""

from __future__ import annotations

from trafficking.services import USE_CASES

from samverkan_common.authz import DISTRICT_MANAGER, RULES, TRAFFICKING_SPECIALIST, family
from samverkan_contracts.base import Sensitivity
from samverkan_contracts.registry import EVENT_TYPES, types_on_topic
from samverkan_contracts.topics import TRAFFICKING


def test_every_event_type_on_the_trafficking_topic_has_a_use_case() -> None:
    assert set(USE_CASES) == {spec.type for spec in types_on_topic(TRAFFICKING)}


def test_restricted_events_only_by_trafficking_specialists() -> None:
    for event_type in USE_CASES:
        restricted = EVENT_TYPES[event_type].sensitivity is Sensitivity.RESTRICTED
        expected = (TRAFFICKING_SPECIALIST,) if restricted else (DISTRICT_MANAGER,)
        assert RULES[family(event_type)] == expected
