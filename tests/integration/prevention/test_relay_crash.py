"""The outbox relay dies after the commit and before the publish (kill -9): after a restart
the event is on Kafka, exactly once."""

from __future__ import annotations

import uuid

import httpx

from tests.support.db import drop_schema
from tests.support.events import STRUCTURED, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.processes import service_process
from tests.support.tokens import org_token

TOPIC = "samverkan.prevention.v1"


async def test_committed_event_survives_a_killed_relay(http: httpx.AsyncClient) -> None:
    schema = f"crash_{uuid.uuid4().hex[:12]}"  # this test's own tables: no other relay sees them
    event = sample("se.stockholm.samverkan.prevention.activity.held.v1")
    event["district"] = "kista"
    event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
    key = {event["subject"].encode()}
    headers = STRUCTURED | {"authorization": f"Bearer {await org_token(http, 'kista')}"}
    start = await end_offsets(TOPIC)

    with service_process("prevention", database_schema=schema, relay_enabled="false") as first:
        await first.start()
        accepted = await http.post(f"{first.url}/events", json=event, headers=headers)
        assert accepted.status_code == 202
        first.kill()
    assert await records_since(start, keys=key, expected=0, timeout_ms=2_000) == []

    with service_process("prevention", database_schema=schema) as second:
        await second.start()
        records = await records_since(start, keys=key, expected=1)
    await drop_schema("prevention", schema)
    assert len(records) == 1
    assert dict(records[0].headers)["ce_id"] == event["id"].encode()
