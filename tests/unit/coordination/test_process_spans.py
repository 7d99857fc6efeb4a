"""The consumer's process spans: one per record, but none for a record whose trace context
says "not sampled" when the sampler would make a span that records nothing anyway."""

from __future__ import annotations

from coordination.consumer import process_spans
from coordination.domain.records import Record

TRACE, SPAN = "0af7651916cd43dd8448eb211c803101", "b7ad6b7169203331"


def _record(offset: int, traceparent: str | None) -> Record:
    headers = [("ce_id", b"e")] + ([("traceparent", traceparent.encode())] if traceparent else [])
    return Record("samverkan.prevention.v1", 0, offset, None, b"k", b"{}", tuple(headers))


RECORDS = [
    _record(0, f"00-{TRACE}-{SPAN}-01"),  # sampled
    _record(1, f"00-{TRACE}-{SPAN}-00"),  # not sampled
    _record(2, None),  # no trace context: the sampler starts or drops a trace
    _record(3, f"00-{TRACE}-{SPAN}-00-more"),  # malformed: a new trace, as above
]


def test_a_span_per_record_unless_skipping() -> None:
    assert len(process_spans(RECORDS, skip_unsampled=False)) == len(RECORDS)


def test_only_records_said_unsampled_are_skipped() -> None:
    spans = process_spans(RECORDS, skip_unsampled=True)
    assert len(spans) == len(RECORDS) - 1
