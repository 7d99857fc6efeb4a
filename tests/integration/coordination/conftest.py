"""The coordination service on the real stack: its app runs in this process (consumer
included) with its own consumer group; tests publish CloudEvents straight onto the topics."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from coordination.app import create_app
from coordination.settings import Settings
from coordination.store.schema import live_schema
from fastapi import FastAPI

from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent, to_kafka
from tests.stack import STACK

pytestmark = pytest.mark.integration


def stack_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_port": STACK.pg_port,
        "kafka_bootstrap": STACK.kafka_bootstrap,
        "keycloak_issuer": STACK.issuer,
        "consumer_group": f"coordination-test-{uuid.uuid4()}",
        "batch_wait_ms": 50,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
async def app() -> AsyncIterator[FastAPI]:
    application = create_app(stack_settings())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def pool(app: FastAPI) -> asyncpg.Pool:
    result: asyncpg.Pool = app.state.pool
    return result


@pytest.fixture(scope="session")
async def producer() -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=STACK.kafka_bootstrap, enable_idempotence=True)
    await p.start()
    yield p
    await p.stop()


@pytest.fixture(scope="session")
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://coordination") as client:
        yield client


Publish = Callable[[Sequence[CloudEvent[EventData]]], Awaitable[list[Any]]]


@pytest.fixture
def publish(producer: AIOKafkaProducer) -> Publish:
    """Send events in order and wait for the broker's acknowledgements (their metadata)."""

    async def send(events: Sequence[CloudEvent[EventData]]) -> list[Any]:
        futures = []
        for e in events:
            r = to_kafka(e)
            futures.append(
                await producer.send(e.spec.topic.name, r.value, key=r.key, headers=r.headers)
            )
        return list(await asyncio.gather(*futures))

    return send


async def eventually(
    check: Callable[[], Awaitable[bool]], *, seconds: float = 60.0, what: str = "the view"
) -> None:
    """Wait until ``check`` holds (the consumer is asynchronous); fail after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"{what} did not catch up within {seconds} s")
        await asyncio.sleep(0.1)


async def in_view(pool: asyncpg.Pool, sql: str, *args: Any) -> Any:
    """Run ``sql`` with ``{s}`` replaced by the live view's schema."""
    async with pool.acquire() as conn:
        schema = await live_schema(conn)
        assert schema is not None
        return await conn.fetch(sql.format(s=schema), *args)
