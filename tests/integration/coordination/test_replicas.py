"""Replicas of the coordination service apply batches at once (each its own partitions of the
consumer group); a batch that erases a subject must run alone, or a replica that checked the
deny-list before the erasure committed could write the erased subject's rows after it.

The records given to ``apply_live`` here were already applied by the service's own consumer
(so the live view's positions never jump past records it has not seen): the batch takes the
same lock and then finds every record below its position.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from coordination.consumer import SWITCH_LOCK, apply_live
from coordination.domain.records import Record
from coordination.replay import CountingSink
from coordination.store.schema import live_schema, positions

from samverkan_contracts.base import EventData
from tests.integration.coordination import factories as f

pytestmark = pytest.mark.integration


async def applied(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, data: EventData, district: str
) -> Record:
    """A real record on its topic, once the service's consumer has applied it."""
    topic, kafka = f.record(f.event(data, district))
    meta = await producer.send_and_wait(topic, kafka.value, key=kafka.key, headers=kafka.headers)
    for _ in range(300):
        async with pool.acquire() as conn:
            at = await positions(conn, await live_schema(conn) or "")
        if at.get((topic, meta.partition), 0) > meta.offset:
            return Record(topic, meta.partition, meta.offset, None, kafka.key, kafka.value, ())
        await asyncio.sleep(0.1)
    raise AssertionError(f"{topic} offset {meta.offset} not applied within 30 s")


async def waits_for_advisory_lock(pool: asyncpg.Pool, pid: int) -> bool:
    """Whether backend ``pid`` is waiting for an advisory lock (polled up to 10 s)."""
    for _ in range(100):
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' "
            "AND NOT granted",
            pid,
        )
        if waiting:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_an_erasing_batch_waits_for_other_replicas_batches(
    pool: asyncpg.Pool, producer: AIOKafkaProducer
) -> None:
    erasure = await applied(pool, producer, f.erasure(f.subject()), f.CENTRAL)
    async with pool.acquire() as conn:
        async with pool.acquire() as other, other.transaction():
            # another replica's batch in flight: it holds the lock shared until it commits
            await other.execute("SELECT pg_advisory_xact_lock_shared($1)", SWITCH_LOCK)
            erasing = asyncio.create_task(apply_live(conn, [erasure], CountingSink()))
            assert await waits_for_advisory_lock(pool, conn.get_server_pid())
            assert not erasing.done()
        _, outcome = await asyncio.wait_for(erasing, 30)  # the other batch committed
    assert outcome.rewound == 1


async def test_other_batches_run_beside_each_other(
    pool: asyncpg.Pool, producer: AIOKafkaProducer
) -> None:
    activity = await applied(pool, producer, f.activity(f.random_day()), "kungsholmen")
    async with pool.acquire() as other, other.transaction():
        await other.execute("SELECT pg_advisory_xact_lock_shared($1)", SWITCH_LOCK)
        async with pool.acquire() as conn:
            _, outcome = await asyncio.wait_for(apply_live(conn, [activity], CountingSink()), 30)
    assert outcome.rewound == 1
