"""Reading JSON: the quick parser gives json.loads's value (or an error) for any text."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_contracts._json import loads

_NUMBERS = st.integers(-(10**30), 10**30) | st.floats(allow_nan=True, allow_infinity=True)
_VALUES = st.recursive(
    st.none() | st.booleans() | _NUMBERS | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)
#: Pieces that make text valid for one parser and not the other, or parse differently.
_PIECES = [
    "\ufeff", '"\\ud800"', '"\\udc00x"', '"\\uD834\\uDD1E"', "NaN", "-Infinity", "1e400", "-0",
    "5e-324", "1" * 30, '{"a":1,"a":2}', "[" * 250 + "]" * 250, "\x00", "\x1f", "\\", "01", ",",
    " ", "\r\n", '"ö"', "1.00000000000000000000001",
]  # fmt: skip


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _read(parse: Any, text: str | bytes) -> tuple[str, Any]:
    try:
        return "value", parse(text)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        return "error", type(error) is RecursionError


def _assert_read_alike(text: str | bytes) -> None:
    expected, got = _read(json.loads, text), _read(loads, text)
    assert expected[0] == got[0]
    assert _same(expected[1], got[1])


@settings(max_examples=500)
@given(_VALUES, st.data(), st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-8-sig"]))
def test_json_reads_as_json_loads_reads_it(value: Any, data: st.DataObject, encoding: str) -> None:
    text = json.dumps(value, ensure_ascii=data.draw(st.booleans()))
    _assert_read_alike(text)
    _assert_read_alike(text.encode(encoding))


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=6), st.data())
def test_odd_text_reads_as_json_loads_reads_it(pieces: list[str], data: st.DataObject) -> None:
    text = "[" + ",".join(pieces) + "]" if data.draw(st.booleans()) else "".join(pieces)
    _assert_read_alike(text)
    _assert_read_alike(text.encode("utf-8", "surrogatepass"))


@given(st.binary(max_size=40))
def test_any_bytes_read_as_json_loads_reads_them(raw: bytes) -> None:
    _assert_read_alike(raw)
