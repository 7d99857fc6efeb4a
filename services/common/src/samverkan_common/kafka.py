"""Kafka producer for the outbox relay: idempotent, acknowledged by all replicas."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from samverkan_common.outbox import OutboxMessage


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
    """Publishes outbox messages: key = the aggregate, value = event data, ``ce_`` headers."""

    producer: AIOKafkaProducer

    async def publish(self, messages: Sequence[OutboxMessage]) -> None:
        pending = [
            await self.producer.send(
                m.topic,
                m.value,
                key=m.key.encode(),
                headers=[(k, v.encode()) for k, v in m.headers.items()],
            )
            for m in messages
        ]
        await asyncio.gather(*pending)
