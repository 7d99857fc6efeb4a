"""A poison record on any topic goes to the dead-letter topic with its key, value and headers
and the reason headers, and the records after it on its partition are still applied."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from coordination.consumer import TOPICS

from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent, to_kafka
from samverkan_contracts.topics import DEADLETTER
from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import eventually, in_view
from tests.stack import STACK

pytestmark = pytest.mark.integration

POISONS = {
    "not JSON": b"{not json",
    "not an event": b'{"hello": "world"}',
}


async def dead_letters_from(
    start: dict[TopicPartition, int], markers: Collection[bytes]
) -> dict[bytes, Any]:
    """The dead letters carrying our markers, read from ``start`` on."""
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: dict[bytes, Any] = {}
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        async with asyncio.timeout(60):
            while not set(markers) <= found.keys():
                batch = await consumer.getmany(timeout_ms=500)
                for r in (r for rs in batch.values() for r in rs):
                    marker = dict(r.headers).get("x-test")
                    if isinstance(marker, bytes) and marker in markers:
                        found[marker] = r
    finally:
        await consumer.stop()
    return found


async def dlt_ends() -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap)
    await consumer.start()
    try:
        tps = [TopicPartition(DEADLETTER.name, p) for p in range(DEADLETTER.partitions)]
        ends: dict[TopicPartition, int] = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return ends


@pytest.mark.parametrize("poison", list(POISONS.values()), ids=list(POISONS))
async def test_poison_on_every_topic_is_dead_lettered_and_its_partition_flows(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, poison: bytes
) -> None:
    start = await dlt_ends()
    sent: dict[str, tuple[int, int, bytes, bytes]] = {}
    followers = {}
    for topic in TOPICS:
        who = f.subject()
        follower = (
            f.event(f.erasure(who), f.CENTRAL)
            if topic == "samverkan.erasures.v1"
            else _valid_event_on(topic, who)
        )
        assert follower.spec.topic.name == topic
        record = to_kafka(follower)
        marker = str(uuid.uuid4()).encode()
        meta = await producer.send_and_wait(
            topic, poison, key=record.key, headers=[("ce_type", b"bogus"), ("x-test", marker)]
        )
        after = await producer.send_and_wait(
            topic, record.value, key=record.key, headers=record.headers
        )
        assert after.partition == meta.partition
        sent[topic] = (meta.partition, meta.offset, record.key, marker)
        followers[topic] = follower

    markers = {marker: topic for topic, (_, _, _, marker) in sent.items()}
    letters = await dead_letters_from(start, markers)
    for topic, (partition, offset, key, marker) in sent.items():
        letter = letters[marker]
        headers = dict(letter.headers)
        assert headers["dlt_original_topic"] == topic.encode()
        assert letter.key == key
        assert letter.value == poison
        assert headers["ce_type"] == b"bogus"
        assert headers["dlt_original_partition"] == str(partition).encode()
        assert headers["dlt_original_offset"] == str(offset).encode()
        assert headers["dlt_error_class"] == b"InvalidEventError"
        assert headers["dlt_error_message"]
        assert headers["dlt_consumer_group"].startswith(b"coordination-test-")

    async def followers_applied() -> bool:
        ids = [e.id for e in followers.values()]
        rows = await in_view(
            pool, "SELECT count(*) FROM {s}.applied_events WHERE id = ANY($1)", ids
        )
        return int(rows[0]["count"]) == len(ids)

    await eventually(followers_applied)
    listed = await pool.fetch(
        'SELECT topic, partition, "offset" FROM coordination.dead_letters'
        " WHERE error_class = 'InvalidEventError'"
    )
    listed_set = {(r["topic"], r["partition"], r["offset"]) for r in listed}
    assert {(t, p, o) for t, (p, o, _, _) in sent.items()} <= listed_set


def _valid_event_on(topic: str, who: str) -> CloudEvent[EventData]:
    if topic == "samverkan.prevention.v1":
        day = f.random_day()
        return f.event(f.activity(day), "kista", time=f.at(day))
    if topic == "samverkan.outreach.v1":
        day = f.random_day()
        return f.event(f.contact(who, f.at(day)), "kista", time=f.at(day))
    if topic == "samverkan.treatment.v1":
        return f.event(f.referral_sent("kista", who), "kista")
    return f.event(f.suspicion(who), "kista", actororg=f.CENTRAL)
