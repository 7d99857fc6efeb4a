"""The fast check of trace continuity, with the SDK's in-memory exporter: the HTTP server
span, the ingest transaction and the relay's Kafka publish of one event share one trace, each
the parent of the next (the slower end-to-end test reads the same back from Zipkin)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from samverkan_common.telemetry import setup_telemetry
from tests.support.events import STRUCTURED, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.tokens import org_token

TOPIC = "samverkan.prevention.v1"


async def test_http_transaction_and_publish_share_one_trace(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    exporter = InMemorySpanExporter()
    provider = setup_telemetry("prevention", exporter=exporter)
    event = sample("se.stockholm.samverkan.prevention.activity.held.v1")
    event["district"] = "kista"
    event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
    headers = STRUCTURED | {"authorization": f"Bearer {await org_token(http, 'kista')}"}
    start = await end_offsets(TOPIC)

    assert (await service.post("/events", json=event, headers=headers)).status_code == 202
    [record] = await records_since(start, keys={event["subject"].encode()}, expected=1)

    def published() -> list[ReadableSpan]:
        provider.force_flush()
        return [
            s
            for s in exporter.get_finished_spans()
            if s.name == f"{TOPIC} publish"
            and s.attributes
            and s.attributes.get("messaging.message.id") == event["id"]
        ]

    # a consumer may see the record before the relay has its acknowledgement and ends the span
    async with asyncio.timeout(10):
        while not published():  # noqa: ASYNC110 - polling the SDK's in-memory exporter
            await asyncio.sleep(0.05)
    spans = exporter.get_finished_spans()
    [publish] = published()
    by_id = {s.context.span_id: s for s in spans}
    assert publish.parent is not None
    transaction = by_id[publish.parent.span_id]
    assert transaction.name == "ingest transaction"
    assert transaction.parent is not None
    server = by_id[transaction.parent.span_id]
    assert server.name == "POST /events"
    assert {s.context.trace_id for s in (publish, transaction, server)} == {server.context.trace_id}
    # the record carries the publish span's context onward, for the consumer to continue
    traceparent = dict(record.headers)["traceparent"].decode()
    assert traceparent.split("-")[1:3] == [
        f"{publish.context.trace_id:032x}",
        f"{publish.context.span_id:016x}",
    ]
