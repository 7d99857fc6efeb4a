"""End to end through a relay crash: the prevention service's relay publishes an event, dies
before marking it published (simulated by unmarking the row, which is what the database holds
after such a crash), publishes it again on restart — and the coordination view counts it once."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from fastapi import FastAPI

from tests.integration.coordination.conftest import eventually, in_view
from tests.support.db import connect, drop_schema
from tests.support.events import STRUCTURED, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.processes import service_process
from tests.support.tokens import org_token

TOPIC = "samverkan.prevention.v1"


async def test_event_published_twice_counts_once(app: FastAPI, pool: asyncpg.Pool) -> None:
    del app  # the coordination service runs (consumer included) for this module
    schema = f"dup_{uuid.uuid4().hex[:12]}"
    # a day of its own, so the view's count for it starts at zero
    day = datetime(2001, 1, 1, 12, tzinfo=UTC) + timedelta(days=random.randrange(5000))  # noqa: S311
    event = sample("se.stockholm.samverkan.prevention.activity.held.v1")
    event["district"] = "kista"
    event["time"] = day.isoformat()
    event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
    key = {event["subject"].encode()}
    start = await end_offsets(TOPIC)

    async with httpx.AsyncClient(timeout=30) as http:
        headers = STRUCTURED | {"authorization": f"Bearer {await org_token(http, 'kista')}"}
        with service_process("prevention", database_schema=schema) as proc:
            await proc.start()
            assert (
                await http.post(f"{proc.url}/events", json=event, headers=headers)
            ).status_code == 202
            assert len(await records_since(start, keys=key, expected=1)) == 1
            conn = await connect("prevention")
            try:
                await conn.execute(
                    f'UPDATE "{schema}".outbox SET published_at = NULL WHERE id = $1',  # noqa: S608
                    uuid.UUID(event["id"]),
                )
            finally:
                await conn.close()
            published = await records_since(start, keys=key, expected=2)
    await drop_schema("prevention", schema)
    assert [dict(r.headers)["ce_id"] for r in published] == [event["id"].encode()] * 2

    second = published[1]

    async def past_the_duplicate() -> bool:
        rows = await in_view(
            pool,
            "SELECT next_offset FROM {s}.positions WHERE topic = $1 AND partition = $2",
            TOPIC,
            second.partition,
        )
        return bool(rows) and rows[0]["next_offset"] > second.offset

    await eventually(past_the_duplicate, what="the consumer")
    applied = await in_view(
        pool, "SELECT count(*) AS n FROM {s}.applied_events WHERE id = $1", uuid.UUID(event["id"])
    )
    rows = await in_view(
        pool,
        "SELECT n FROM {s}.event_counts WHERE district = 'kista' AND area = 'prevention' "
        "AND family = 'prevention.activity.held' AND day = $1",
        day.date(),
    )
    assert [r["n"] for r in rows] == [1]
    assert applied[0]["n"] == 1
