"""The coordination service on the real stack: its app runs in this process (consumer
included) with its own consumer group; tests publish CloudEvents straight onto the topics."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from coordination.app import create_app
from coordination.settings import Settings
from coordination.store.schema import create_view, drop_view, live_schema
from fastapi import FastAPI

from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent, to_kafka
from tests.stack import STACK
from tests.support.db import connect
from tests.support.tokens import client_token, person_token

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


@pytest.fixture(scope="module")
async def app() -> AsyncIterator[FastAPI]:
    """The service in this process for one test module (stopped after it, so that a module
    can run its own service process instead)."""
    application = create_app(stack_settings())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def pool(app: FastAPI) -> asyncpg.Pool:
    result: asyncpg.Pool = app.state.pool
    return result


@pytest.fixture(scope="session")
async def producer() -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=STACK.kafka_bootstrap, enable_idempotence=True)
    await p.start()
    yield p
    await p.stop()


@pytest.fixture(scope="module")
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


@contextlib.asynccontextmanager
async def scratch_view() -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    """A connection and an empty view schema of the caller's own (never the live one),
    dropped after."""
    conn = await connect("coordination")
    schema = await create_view(conn)
    try:
        yield conn, schema
    finally:
        await drop_view(conn, schema)
        await conn.close()


async def in_view(pool: asyncpg.Pool, sql: str, *args: Any) -> Any:
    """Run ``sql`` with ``{s}`` replaced by the live view's schema."""
    async with pool.acquire() as conn:
        schema = await live_schema(conn)
        assert schema is not None
        return await conn.fetch(sql.format(s=schema), *args)


async def token(who: str) -> str:
    """An access token: ``org-<code>``/``ops-monitor``/``audit-reader`` by client credentials,
    a demo person (``anna.specialist``) by password; secrets are the realm's development ones
    (deploy/keycloak/README.md)."""
    async with httpx.AsyncClient(timeout=30) as http:
        if who.startswith(("org-", "ops-", "audit-")):
            return await client_token(http, who)
        return await person_token(http, who)


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}
