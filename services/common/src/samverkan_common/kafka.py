"""Kafka producer for the outbox relay: idempotent, acknowledged by all replicas, traced."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from opentelemetry import trace

from samverkan_common.outbox import OutboxMessage
from samverkan_common.telemetry import extract_context, inject_context

tracer = trace.get_tracer("samverkan.outbox")


def create_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """An idempotent producer (``acks=all``); start it in the service's lifespan."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
    )


@dataclass(frozen=True)
class KafkaPublisher:
    """Publishes outbox messages: key = the aggregate, value = event data, ``ce_`` headers.

    Each message gets a producer span whose parent is the trace context stored with the
    outbox row (the ingesting request's), and carries that span's context onward in its
    ``traceparent`` header, so one trace runs from the HTTP call across Kafka.
    """

    producer: AIOKafkaProducer

    async def publish(self, messages: Sequence[OutboxMessage]) -> None:
        spans = [
            tracer.start_span(
                f"{m.topic} publish",
                context=extract_context(m.headers),
                kind=trace.SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.type": "send",
                    "messaging.destination.name": m.topic,
                    "messaging.message.id": str(m.id),
                    "cloudevents.event_type": m.type,
                },
            )
            for m in messages
        ]
        try:
            pending = [
                await self.producer.send(
                    m.topic,
                    m.value,
                    key=m.key.encode(),
                    headers=_headers(m, span),
                )
                for m, span in zip(messages, spans, strict=True)
            ]
            await asyncio.gather(*pending)
        finally:
            for span in spans:
                span.end()


def _headers(message: OutboxMessage, span: trace.Span) -> list[tuple[str, bytes]]:
    hop = inject_context(context=trace.set_span_in_context(span))
    merged = {**message.headers, **hop}
    return [(k, v.encode()) for k, v in merged.items()]
