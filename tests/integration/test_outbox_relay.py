"""Two relays on one outbox (two replicas of a service) publish every row once and in order."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from samverkan_common import outbox
from samverkan_common.outbox import OutboxMessage, OutboxRelay, enqueue
from tests.stack import STACK
from tests.support.db import drop_schema


@dataclass
class SlowRecorder:
    """A publisher that takes a varying time, so that a second relay would overtake a first."""

    published: list[uuid.UUID] = field(default_factory=list)

    async def publish(self, messages: Sequence[OutboxMessage]) -> None:
        await asyncio.sleep(random.uniform(0.0, 0.03))  # noqa: S311 - jitter, not security
        self.published.extend(m.id for m in messages)


async def test_two_relays_publish_each_row_once_in_order() -> None:
    schema = f"relay_{uuid.uuid4().hex[:12]}"
    pool = await asyncpg.create_pool(
        host="127.0.0.1",
        port=STACK.pg_port,
        user="samverkan",
        password="samverkan-dev",
        database="samverkan_prevention",
        server_settings={"search_path": schema},
    )
    try:
        async with pool.acquire() as conn:
            await conn.execute(f'CREATE SCHEMA "{schema}"')
            for statement in (outbox.DDL + outbox.ORDER_DDL).split(";\n"):
                if statement.strip():
                    await conn.execute(statement)
            ids = [uuid.uuid4() for _ in range(300)]
            for i in ids:
                async with conn.transaction():
                    await enqueue(conn, [OutboxMessage(i, "t", "one-key", "type", b"{}")])
        recorder = SlowRecorder()
        relays = [OutboxRelay(pool, recorder, batch_size=7, poll_seconds=0.05) for _ in range(2)]
        tasks = [asyncio.create_task(r.run()) for r in relays]
        async with asyncio.timeout(60):
            while len(recorder.published) < len(ids):  # noqa: ASYNC110 - polling a fake
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # a stray duplicate would show up here
        for relay in relays:
            relay.stop()
        await asyncio.gather(*tasks)
    finally:
        await pool.close()
        await drop_schema("prevention", schema)
    assert recorder.published == ids
