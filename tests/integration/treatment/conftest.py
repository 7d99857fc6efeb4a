"""The treatment service on the real local stack: its app runs in this test session (lifespan
entered here: migrations, pool, Kafka producer, outbox relay), requests go through
httpx's ASGI transport with real Keycloak tokens; PostgreSQL and Kafka are the stack's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from treatment.app import create_app
from treatment.settings import Settings

from tests.integration.treatment.api import Api
from tests.stack import STACK
from tests.support.harness import Tokens


@pytest.fixture(scope="session")
async def app() -> AsyncIterator[FastAPI]:
    settings = Settings(
        database_port=STACK.pg_port,
        kafka_bootstrap=STACK.kafka_bootstrap,
        keycloak_issuer=STACK.issuer,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def api(app: FastAPI) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://treatment") as client,
        httpx.AsyncClient(timeout=30) as keycloak,
    ):
        yield Api(client, Tokens(keycloak), app.state.pool)
