"""The fast paths the benchmark led to give exactly the answers of the slow ones.

* The identity-number guard's pre-scan (one search over every text joined) must never say
  "nothing here" where the path-keeping walk finds a number: on any JSON value, with valid
  numbers put into strings, keys and numbers, and UUIDs (skipped) around them.
* The view's set-based writes split an upsert's rows into rounds: no round holds a key
  twice, and each key's rows keep their order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coordination.store.view import rounds
from hypothesis import given
from hypothesis import strategies as st

from samverkan_contracts.guard import _walk, find_identity_numbers
from tests.contract.strategies import Person, people

TODAY = date(2026, 5, 9)

uuids = st.uuids().map(str)
texts = st.text(max_size=24) | uuids | st.from_regex(r"[0-9 +\-]{0,16}", fullmatch=True)
leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | texts
values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(texts, children, max_size=4)
    ),
    max_leaves=16,
)


def _with_number(value: Any, person: Person, data: st.DataObject) -> Any:
    """``value`` with one rendering of the person's number put somewhere in it."""
    rendering = data.draw(st.sampled_from(person.renderings(TODAY)))
    where = data.draw(st.sampled_from(["value", "key", "text", "number"]))
    if where == "key":
        return {f"x {rendering} y": value}
    if where == "text":
        return [value, data.draw(st.text(max_size=5)) + " " + rendering]
    if where == "number" and rendering.isdigit() and rendering[0] != "0":
        return [value, int(rendering)]
    return {"wrapper": [value, rendering]}


@given(values)
def test_the_pre_scan_agrees_with_the_walk(value: Any) -> None:
    assert find_identity_numbers(value, today=TODAY) == _walk(value, TODAY, ())


@given(values, people(TODAY), st.data())
def test_the_pre_scan_never_hides_a_number(value: Any, person: Person, data: st.DataObject) -> None:
    document = _with_number(value, person, data)
    found = find_identity_numbers(document, today=TODAY)
    assert found
    assert found == _walk(document, TODAY, ())


@given(st.lists(st.tuples(st.integers(0, 5), st.integers()), max_size=40), st.integers(0, 2))
def test_rounds_hold_each_key_once_and_keep_its_order(
    rows: list[tuple[int, int]], width: int
) -> None:
    split = rounds(rows, width)
    assert sorted(r for part in split for r in part) == sorted(rows)
    if width:
        for part in split:
            assert len({r[:width] for r in part}) == len(part)
        for key in {r[:width] for r in rows}:
            assert [r for part in split for r in part if r[:width] == key] == [
                r for r in rows if r[:width] == key
            ]
    else:
        assert split == [rows]
