"""Properties over every registered event type: JSON round trips and the identity guard."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan_contracts.envelope import (
    IdentityNumberFoundError,
    from_kafka,
    parse_batch,
    parse_event,
    parse_structured,
    to_batch,
    to_kafka,
    to_structured,
    wire_dict,
)
from samverkan_contracts.errors import json_path
from samverkan_contracts.idnumbers import today_in_sweden
from samverkan_contracts.registry import EVENT_TYPES

from .strategies import Person, events, people
from .test_guard import _get, _replace, _string_paths, assert_not_echoed, insert

TYPES = sorted(EVENT_TYPES)
PER_TYPE = settings(
    max_examples=25, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)


def _client_body(raw: dict[str, Any]) -> bytes:
    """What a district system sends: the event without actororg."""
    return json.dumps({k: v for k, v in raw.items() if k != "actororg"}).encode()


def _binary_record(raw: dict[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """A binary-mode record made by hand from a structured dict (which may be invalid)."""
    headers = [
        ("content-type" if k == "datacontenttype" else f"ce_{k}", str(v).encode())
        for k, v in raw.items()
        if k != "data"
    ]
    return str(raw["subject"]).encode(), json.dumps(raw["data"]).encode(), headers


@pytest.mark.parametrize("event_type", TYPES)
@PER_TYPE
@given(data=st.data())
def test_every_event_round_trips_through_json_http_and_kafka(
    event_type: str, data: st.DataObject
) -> None:
    event = data.draw(events(EVENT_TYPES[event_type]))
    assert parse_event(json.loads(to_structured(event))) == event
    assert parse_structured(_client_body(wire_dict(event)), actororg=event.actororg) == event
    batch = [{k: v for k, v in e.items() if k != "actororg"} for e in json.loads(to_batch([event]))]
    assert parse_batch(json.dumps(batch), actororg=event.actororg) == [event]
    key, value, headers = to_kafka(event)
    assert from_kafka(key, value, headers) == event
    model = EVENT_TYPES[event_type].model
    assert model.model_validate_json(event.data.model_dump_json()) == event.data


@pytest.mark.parametrize("event_type", TYPES)
@PER_TYPE
@given(data=st.data(), person=people())
def test_a_valid_number_in_any_string_of_any_event_is_refused(
    event_type: str, data: st.DataObject, person: Person
) -> None:
    today = today_in_sweden()
    raw = wire_dict(data.draw(events(EVENT_TYPES[event_type])))
    path = data.draw(st.sampled_from(_string_paths(raw)))
    rendering = data.draw(st.sampled_from(person.renderings(today)))
    original = _get(raw, path)
    mutated = _replace(
        raw, path, insert(original, data.draw(st.integers(0, len(original))), rendering)
    )
    attempts: list[Callable[[], object]] = [
        lambda: parse_event(mutated),
        lambda: parse_structured(json.dumps(mutated), actororg="kista"),
        lambda: parse_batch(json.dumps([mutated]), actororg="kista"),
        lambda: from_kafka(*_binary_record(mutated)),
    ]
    for attempt in attempts:
        with pytest.raises(IdentityNumberFoundError) as info:
            attempt()
        paths = {p.removeprefix("$[0]").removeprefix("$") for p in info.value.paths}
        assert json_path(path).removeprefix("$") in paths
        for text in (str(info.value), repr(info.value), json.dumps(info.value.errors)):
            assert_not_echoed(text, person, rendering)


FREE_TEXT = {
    "se.stockholm.samverkan.treatment.referral.sent.v1": ("data", "reason"),
    "se.stockholm.samverkan.treatment.consultation.requested.v1": ("data", "case_summary"),
    "se.stockholm.samverkan.prevention.activity.held.v1": ("data", "description"),
}


@pytest.mark.parametrize(("event_type", "field"), FREE_TEXT.items())
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(person=people(), check=st.integers(0, 9), data=st.data())
def test_wrong_check_digits_in_free_text_are_accepted(
    event_type: str, field: tuple[str, str], person: Person, check: int, data: st.DataObject
) -> None:
    if check == person.check_digit:
        check = (check + 1) % 10
    rendering = data.draw(st.sampled_from(person.renderings(today_in_sweden(), check=check)))
    event = data.draw(events(EVENT_TYPES[event_type]))
    mutated = wire_dict(event)
    mutated["data"][field[1]] = f"Client gave {rendering} (wrong digit, not a number)"
    parsed = parse_event(mutated)
    assert getattr(parsed.data, field[1]).startswith("Client gave")
