"""kill -9 of the coordination service mid-stream, then a restart: the view ends with the
expected totals exactly (nothing lost, nothing counted twice)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from coordination.store.schema import live_schema, positions, q

from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import eventually, stack_settings
from tests.stack import STACK
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

DISTRICTS = ("hagersten", "liljeholmen", "enskede-arsta")
PER_DISTRICT = 2000


@pytest.fixture
async def crash_pool() -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(stack_settings().database_dsn, min_size=1, max_size=2)
    yield pool
    await pool.close()


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coordination", "serve", env=env,
        stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def test_kill_9_mid_stream_then_restart_gives_the_exact_totals(
    crash_pool: asyncpg.Pool, producer: AIOKafkaProducer, tmp_path: Path
) -> None:
    day = f.random_day()
    events = [
        f.event(f.activity(day), d, time=f.at(day)) for d in DISTRICTS for _ in range(PER_DISTRICT)
    ]
    resent = events[::20]  # some sent twice, as an outbox relay does after its own crash
    futures = []
    for e in [*events, *resent]:
        topic, r = f.record(e)
        futures.append(await producer.send(topic, r.value, key=r.key, headers=r.headers))
    sent = await asyncio.gather(*futures)
    topic = sent[0].topic
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, m.partition) for m in sent])
    finally:
        await consumer.stop()

    env = {
        **os.environ,
        "COORDINATION_DATABASE_PORT": str(STACK.pg_port),
        "COORDINATION_KAFKA_BOOTSTRAP": STACK.kafka_bootstrap,
        "COORDINATION_KEYCLOAK_ISSUER": STACK.issuer,
        "COORDINATION_HTTP_PORT": str(free_port()),
        "COORDINATION_CONSUMER_GROUP": f"coordination-crash-{uuid.uuid4()}",
        "COORDINATION_BATCH_SIZE": "50",
    }
    log = tmp_path / "coordination.log"

    async def counted() -> int:
        async with crash_pool.acquire() as conn:
            schema = await live_schema(conn)
            if schema is None:
                return 0
            n = await conn.fetchval(
                q("SELECT coalesce(sum(n), 0) FROM {s}.event_counts WHERE day = $1", schema),
                day,
            )
        return int(n)

    service = await _start(env, log)
    try:

        async def started() -> bool:
            return await counted() > 0

        await eventually(started, seconds=120, what="the first batches")
        service.send_signal(signal.SIGKILL)
        await service.wait()
        at_kill = await counted()
        assert 0 < at_kill < len(events), "the kill came too late to be mid-stream"

        service = await _start(env, log)

        async def caught_up() -> bool:
            async with crash_pool.acquire() as conn:
                schema = await live_schema(conn)
                assert schema is not None
                stored = await positions(conn, schema)
            return all(stored.get((tp.topic, tp.partition), 0) >= end for tp, end in ends.items())

        await eventually(caught_up, seconds=120, what="the restarted service")
    finally:
        if service.returncode is None:
            service.terminate()
            await service.wait()
    async with crash_pool.acquire() as conn:
        schema = await live_schema(conn)
        assert schema is not None
        rows = await conn.fetch(
            q("SELECT district, n FROM {s}.event_counts WHERE day = $1", schema),
            day,
        )
    assert {r["district"]: r["n"] for r in rows} == dict.fromkeys(DISTRICTS, PER_DISTRICT)
