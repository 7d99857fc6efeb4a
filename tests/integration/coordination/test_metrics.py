"""The coordination service's metrics move as events flow: projection delay, lag per
partition, dead letters."""

from __future__ import annotations

import asyncio

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import Publish
from tests.support.metrics import value


async def test_metrics_move_as_events_flow(
    app: FastAPI, api: httpx.AsyncClient, publish: Publish, producer: AIOKafkaProducer
) -> None:
    del app
    before = (await api.get("/metrics")).text
    day = f.random_day()
    await publish([f.event(f.activity(day), "kista") for _ in range(3)])
    await producer.send_and_wait("samverkan.prevention.v1", b"not json", key=b"poison")

    after = before
    for _ in range(300):  # the consumer is asynchronous
        after = (await api.get("/metrics")).text
        delays = value(after, "samverkan_projection_delay_seconds_count") - value(
            before, "samverkan_projection_delay_seconds_count"
        )
        letters = value(
            after,
            "samverkan_dead_letters_total",
            error="InvalidEventError",
            topic="samverkan.prevention.v1",
        ) - value(
            before,
            "samverkan_dead_letters_total",
            error="InvalidEventError",
            topic="samverkan.prevention.v1",
        )
        if delays >= 4 and letters >= 1:
            break
        await asyncio.sleep(0.1)
    assert delays >= 4
    assert letters >= 1
    assert 'samverkan_consumer_lag{partition="' in after
    assert "http_requests_total" in after
