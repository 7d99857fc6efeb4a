"""Reading ``ce_`` headers: the quick mapping answers as the general rule does, for any headers."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_contracts._kafka import _attributes, _attributes_by_rule
from samverkan_contracts.envelope import InvalidEventError, to_kafka
from samverkan_contracts.registry import EVENT_TYPES

from .strategies import events

_NAMES = [
    "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject", "ce_district", "ce_actororg",
    "ce_datacontenttype", "content-type", "Content-Type", "CE_ID", "Ce_Type", "ce_unknown",
    "ce_data", "ce_", "traceparent", "tracestate", "baggage", "x-other", "Traceparent",
]  # fmt: skip
_VALUES = st.sampled_from([b"x", b"kista", b"\xff\xfe", "Östermalm".encode(), b"", None])
headers = st.lists(st.tuples(st.sampled_from(_NAMES) | st.text(max_size=12), _VALUES), max_size=8)


def _answer(read: Any, record_headers: list[tuple[str, bytes]]) -> object:
    try:
        return list(read(record_headers).items())  # the order too: the guard reports paths in it
    except InvalidEventError as error:
        return error.errors
    except AttributeError:  # a null value where an attribute is read: not decoded
        return "AttributeError"


@settings(max_examples=500)
@given(headers)
def test_any_headers_are_read_as_the_rule_reads_them(
    given_headers: list[tuple[str, bytes]],
) -> None:
    assert _answer(_attributes, given_headers) == _answer(_attributes_by_rule, given_headers)


@given(st.sampled_from(sorted(EVENT_TYPES)).flatmap(lambda t: events(EVENT_TYPES[t])), headers)
def test_records_with_extra_headers_are_read_as_the_rule_reads_them(
    event: Any, extra: list[tuple[str, bytes]]
) -> None:
    _, _, written = to_kafka(event)
    for some in (written, [*written, *extra], [*extra, *written]):
        assert _answer(_attributes, some) == _answer(_attributes_by_rule, some)
