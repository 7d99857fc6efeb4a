"""Sending prepared records, as fast as possible or at a fixed rate, and reading offsets."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition
from confluent_kafka import KafkaError, Message, Producer
from coordination.consumer import TOPICS

from bench.workload import Prepared
from samverkan_common.kafka import create_producer

Offsets = dict[tuple[str, int], int]
_Headers = list[tuple[str, str | bytes | None]]  # what librdkafka's stubs ask for
_CHUNK = 5000


def producer(bootstrap: str, client_id: str = "bench") -> AIOKafkaProducer:
    """The platform's producer settings (idempotent, acks=all, 5 ms linger)."""
    return create_producer(bootstrap, client_id=client_id)


async def send_all(
    prod: AIOKafkaProducer, records: Iterable[Prepared], topic: str | None = None
) -> Offsets:
    """Send every record as fast as the producer takes them; the next offset per partition."""
    nexts: Offsets = {}
    pending: list[Any] = []

    async def settle() -> None:
        for meta in await asyncio.gather(*pending):
            tp = (meta.topic, meta.partition)
            nexts[tp] = max(nexts.get(tp, 0), meta.offset + 1)
        pending.clear()

    for r in records:
        pending.append(await prod.send(topic or r.topic, r.value, key=r.key, headers=r.headers))
        if len(pending) >= _CHUNK:
            await settle()
    await settle()
    return nexts


def _blast(bootstrap: str, records: Sequence[Prepared]) -> Offsets:
    """Send every record with librdkafka, the platform's producer settings and the Java
    client's key hash (murmur2, as aiokafka and the relays partition); the next offsets."""
    nexts: Offsets = {}
    failed: list[KafkaError] = []

    def delivered(error: KafkaError | None, message: Message) -> None:
        if error is not None:
            failed.append(error)
            return
        tp = (message.topic() or "", message.partition() or 0)
        nexts[tp] = max(nexts.get(tp, 0), (message.offset() or 0) + 1)

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "client.id": "bench-load",
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 5,
            "batch.size": 256 * 1024,
            "partitioner": "murmur2_random",
        }
    )
    for r in records:
        while True:
            try:
                producer.produce(
                    r.topic,
                    r.value,
                    r.key,
                    headers=cast("_Headers", r.headers),
                    on_delivery=delivered,
                )
                break
            except BufferError:  # the local queue is full: serve deliveries, then go on
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(120) or failed:
        raise RuntimeError(f"the load generator could not send every record: {failed[:3]}")
    return nexts


async def send_fast(bootstrap: str, records: Sequence[Prepared]) -> Offsets:
    """Send every record as fast as librdkafka takes them (in a thread: the event loop goes
    on); the next offset per partition. The load of P1a: a Python producer would take a
    core's share from the platform it measures (B1 is that producer's own figure)."""
    return await asyncio.to_thread(_blast, bootstrap, records)


@dataclass(frozen=True, slots=True)
class Sent:
    topic: str
    partition: int
    offset: int
    due: float  # when the open-loop schedule said to send it (monotonic seconds)


async def send_paced(
    prod: AIOKafkaProducer, records: Iterator[Prepared], rate: float, seconds: float
) -> list[Sent]:
    """Open loop: record i is due at ``start + i / rate`` whatever happened to the others;
    latency is counted from the due time, so a stall is never hidden (no coordinated
    omission)."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.05
    futures: list[tuple[float, Any]] = []
    i = 0
    while i < total:
        now = time.monotonic()
        due_count = min(total, int((now - start) * rate) + 1)
        while i < due_count:
            r = next(records)
            due = start + i / rate
            futures.append((due, await prod.send(r.topic, r.value, key=r.key, headers=r.headers)))
            i += 1
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
    metas = await asyncio.gather(*(f for _, f in futures))
    return [
        Sent(m.topic, m.partition, m.offset, due)
        for (due, _), m in zip(futures, metas, strict=True)
    ]


async def partitions(bootstrap: str, topics: Sequence[str] = TOPICS) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    return sorted(
        TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]
    )


async def end_offsets(
    bootstrap: str, topics: Sequence[str] = TOPICS, *, beginning: bool = False
) -> Offsets:
    """The next offset of every partition (or, ``beginning``, its first)."""
    tps = await partitions(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        found = await (consumer.beginning_offsets(tps) if beginning else consumer.end_offsets(tps))
    finally:
        await consumer.stop()
    return {(tp.topic, tp.partition): n for tp, n in found.items()}


def newest(begins: Offsets, ends: Offsets, n: int) -> Offsets:
    """Where to start so that about ``n`` of the newest records are read, the same share of
    every partition (all of them when there are fewer)."""
    total = sum(ends[k] - begins.get(k, 0) for k in ends)
    share = min(1.0, n / total) if total else 1.0
    return {k: ends[k] - int((ends[k] - begins.get(k, 0)) * share) for k in ends}


async def create_topic(bootstrap: str, name: str, partitions: int = 3) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if name not in await admin.list_topics():
            await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    await asyncio.sleep(1.0)  # leadership settles before the first send


async def delete_topic(bootstrap: str, name: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if name in await admin.list_topics():
            await admin.delete_topics([name])
    finally:
        await admin.close()
