"""The identity-number guard on raw JSON-like values: paths, never the number."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from samverkan_contracts.errors import IdentityNumberFoundError, json_path
from samverkan_contracts.guard import KEY_MARKER, ensure_no_identity_numbers, find_identity_numbers

from .strategies import Person, in_any_script, people

TODAY = date(2026, 5, 9)

json_leaves = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=20)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _string_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return []


def _replace(value: Any, path: tuple[str | int, ...], new: str) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[head] = _replace(value[head], tuple(rest), new)  # type: ignore[index]
    return copy


def _get(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def insert(original: str, position: int, number: str) -> str:
    """Put ``number`` into ``original``; pad with spaces where it would touch other digits."""
    before, after = original[:position], original[position:]
    left = " " if before[-1:].isdigit() else ""  # isdigit() also covers all decimal digits
    right = " " if after[:1].isdigit() else ""
    return f"{before}{left}{number}{right}{after}"


def assert_not_echoed(text: str, person: Person, rendering: str) -> None:
    for form in {rendering, *person.digit_forms()}:
        assert form not in text


@given(json_values, people(TODAY), st.data())
def test_a_number_anywhere_in_any_json_is_found_at_its_path(
    document: Any, person: Person, data: st.DataObject
) -> None:
    document = {"wrapper": [document, "free text"]}
    path = data.draw(st.sampled_from(_string_paths(document)))
    original = _get(document, path)
    rendering = data.draw(st.sampled_from(person.renderings(TODAY)))
    position = data.draw(st.integers(0, len(original)))
    mutated = _replace(document, path, insert(original, position, rendering))
    found = find_identity_numbers(mutated, today=TODAY)
    assert json_path(path) in found
    try:
        ensure_no_identity_numbers(mutated, today=TODAY)
    except IdentityNumberFoundError as error:
        assert_not_echoed(str(error), person, rendering)
        assert_not_echoed(json.dumps(error.errors), person, rendering)
        assert_not_echoed(repr(error), person, rendering)
    else:
        raise AssertionError("the guard let a valid number through")


@given(json_values, people(TODAY), st.integers(0, 9), st.data())
def test_wrong_check_digits_pass_the_guard(
    document: Any, person: Person, check: int, data: st.DataObject
) -> None:
    if check == person.check_digit:
        check = (check + 1) % 10
    rendering = data.draw(st.sampled_from(person.renderings(TODAY, check=check)))
    clean = find_identity_numbers([document, "pnr"], today=TODAY)
    assert find_identity_numbers([document, f"pnr {rendering}"], today=TODAY) == clean


def test_paths_name_nested_fields_keys_and_numbers() -> None:
    value = {
        "data": {
            "measures": [{"owner": "ok"}, {"owner": "call 811218-9876"}],
            "counts": {"19811218-9876": 1},
            "weird key": "8112189876",
            "count": 8112189876,
        },
        "clean": "811218-9875",
    }
    assert find_identity_numbers(value, today=TODAY) == [
        "$.data.measures[1].owner",
        "$.data.counts" + KEY_MARKER,
        '$.data["weird key"]',
        "$.data.count",
    ]


def test_exact_uuids_are_not_numbers_but_uuids_with_extra_text_are_scanned() -> None:
    # 19811218-9876 is a valid number; as the first groups of a UUID it is an id, not a person.
    uuid_like = "19811218-9876-4abc-8def-0123456789ab"
    assert find_identity_numbers({"id": uuid_like}, today=TODAY) == []
    assert find_identity_numbers({"id": uuid_like + " x"}, today=TODAY) == ["$.id"]


def test_exact_trace_contexts_are_not_numbers_but_the_same_text_with_more_is_scanned() -> None:
    # A random trace id may hold a valid number (198112189876 here); refusing it would refuse
    # a valid event and every retry with the same trace context.
    traceparent = "00-198112189876af7651916cd43dd84480-b7ad6b7169203331-01"
    assert find_identity_numbers({"traceparent": traceparent}, today=TODAY) == []
    assert find_identity_numbers({"x": traceparent + " x"}, today=TODAY) == ["$.x"]
    assert find_identity_numbers({"x": traceparent.upper()}, today=TODAY) == ["$.x"]


def test_digits_of_any_script_and_any_dash_count_but_fractions_do_not() -> None:
    assert find_identity_numbers(["\uff18\uff11\uff11\uff12\uff11\uff18-9876"], today=TODAY) == [
        "$[0]"
    ]
    assert find_identity_numbers(["811218\u20139876", "811218\u00a09876"], today=TODAY) == [
        "$[0]",
        "$[1]",
    ]
    assert find_identity_numbers(["198112189876\u00bc", "\u00b2811218-9876"], today=TODAY) == [
        "$[0]",
        "$[1]",
    ]


def test_booleans_and_small_numbers_are_ignored() -> None:
    assert find_identity_numbers([True, 0, 12, 3.5, None], today=TODAY) == []


@given(json_values, people(TODAY), st.data())
def test_a_number_in_digits_of_any_script_is_found_among_any_text(
    document: Any, person: Person, data: st.DataObject
) -> None:
    disguised = data.draw(in_any_script(data.draw(st.sampled_from(person.renderings(TODAY)))))
    document = {"wrapper": [document, "Årskurs 8, Östermalm"]}
    path = data.draw(st.sampled_from(_string_paths(document)))
    original = _get(document, path)
    position = data.draw(st.integers(0, len(original)))
    mutated = _replace(document, path, insert(original, position, disguised))
    assert json_path(path) in find_identity_numbers(mutated, today=TODAY)
