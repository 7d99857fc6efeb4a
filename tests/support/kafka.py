"""Read what landed on a topic during a test: remember the end offsets, then read from them."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord, TopicPartition

from samverkan_contracts.topics import topic_by_name
from tests.stack import STACK


async def end_offsets(topic: str) -> dict[TopicPartition, int]:
    declared = topic_by_name(topic)
    assert declared is not None, f"{topic} is not declared in samverkan_contracts.topics"
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(declared.partitions)]
        offsets: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return offsets
    finally:
        await consumer.stop()


async def records_since(
    start: dict[TopicPartition, int],
    *,
    keys: set[bytes] | None,
    expected: int,
    timeout_ms: int = 15_000,
) -> list[ConsumerRecord]:
    """Records with one of ``keys`` (None: any key) written after ``start``.

    Reads until ``expected`` have arrived (or the topic stays idle for ``timeout_ms``), then
    one more second, so that a duplicate beyond the expected count is caught too.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[ConsumerRecord] = []
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        for wait in (timeout_ms, 1_000):
            while wait == 1_000 or len(found) < expected:
                batch = await consumer.getmany(timeout_ms=wait)
                if not batch:
                    break
                found.extend(
                    r for items in batch.values() for r in items if keys is None or r.key in keys
                )
    finally:
        await consumer.stop()
    return found
