"""Graceful shutdown: on SIGTERM a request in flight is answered, the lifespan closes (the
relay stops, the producer flushes) and what was committed is published after the next start."""

from __future__ import annotations

import asyncio
import signal
import uuid

import httpx

from tests.support.db import drop_schema
from tests.support.events import STRUCTURED, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.processes import service_process
from tests.support.tokens import org_token

TOPIC = "samverkan.prevention.v1"


async def test_sigterm_finishes_requests_and_exits_cleanly(http: httpx.AsyncClient) -> None:
    schema = f"stop_{uuid.uuid4().hex[:12]}"
    headers = STRUCTURED | {"authorization": f"Bearer {await org_token(http, 'kista')}"}
    events = []
    for _ in range(20):
        event = sample("se.stockholm.samverkan.prevention.activity.held.v1")
        event["district"] = "kista"
        event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
        events.append(event)
    start = await end_offsets(TOPIC)

    with service_process("prevention", database_schema=schema) as proc:
        await proc.start()
        posts = [
            asyncio.create_task(http.post(f"{proc.url}/events", json=e, headers=headers))
            for e in events
        ]
        await asyncio.sleep(0.05)
        assert proc.process is not None
        proc.process.terminate()
        answered = await asyncio.gather(*posts, return_exceptions=True)
        # uvicorn shuts down gracefully, then re-raises the signal as its exit status
        assert await asyncio.to_thread(proc.process.wait, 30) == -signal.SIGTERM
        assert "Application shutdown complete." in proc.output()
    accepted = [
        e
        for e, r in zip(events, answered, strict=True)
        if isinstance(r, httpx.Response) and r.status_code == 202
    ]
    refused = [r for r in answered if isinstance(r, httpx.Response) and r.status_code != 202]
    assert accepted
    assert refused == []  # a request either completed or never reached the server

    with service_process("prevention", database_schema=schema) as again:
        await again.start()
        keys = {e["subject"].encode() for e in accepted}
        records = await records_since(start, keys=keys, expected=len(keys))
    await drop_schema("prevention", schema)
    assert sorted(r.key for r in records) == sorted(keys)
