"""The prevention service's metrics move as events flow: accepted, rejected by reason, the
outbox published and its backlog, HTTP requests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from prevention.app import create_app
from prevention.settings import Settings

from tests.support.apps import running, settings_for
from tests.support.db import drop_schema
from tests.support.events import STRUCTURED, sample
from tests.support.metrics import value
from tests.support.tokens import org_token


@pytest.fixture
async def service() -> AsyncIterator[httpx.AsyncClient]:
    """A prevention app with tables of its own: no other relay publishes its outbox rows."""
    schema = f"metrics_{uuid.uuid4().hex[:12]}"
    async with running(create_app(settings_for(Settings, database_schema=schema))) as client:
        yield client
    await drop_schema("prevention", schema)


async def test_metrics_move_as_events_flow(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    event_type = "se.stockholm.samverkan.prevention.activity.held.v1"
    headers = STRUCTURED | {"authorization": f"Bearer {await org_token(http, 'kista')}"}
    before = (await service.get("/metrics")).text

    for district, expected in (("kista", 202), ("kista", 202), ("rinkeby", 403)):
        event = sample(event_type)
        event["district"] = district
        event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
        assert (await service.post("/events", json=event, headers=headers)).status_code == expected
    assert (await service.post("/events", json={}, headers=STRUCTURED)).status_code == 401

    after = ""
    for _ in range(100):  # the relay publishes asynchronously
        after = (await service.get("/metrics")).text
        if (
            value(after, "samverkan_outbox_published_total")
            - value(before, "samverkan_outbox_published_total")
            >= 2
        ):
            break
        await asyncio.sleep(0.1)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("samverkan_events_accepted_total", type=event_type) == 2
    assert moved("samverkan_events_rejected_total", reason="forbidden") == 1
    assert moved("samverkan_events_rejected_total", reason="unauthenticated") == 1
    assert moved("samverkan_outbox_published_total") >= 2
    assert "samverkan_outbox_backlog " in after
    assert "samverkan_outbox_oldest_age_seconds " in after
    assert moved("http_requests_total", handler="/events", method="POST", status="2xx") == 2
