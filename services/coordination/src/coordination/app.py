"""Wiring of the coordination service: wiring only, nothing connects at import time.

The lifespan migrates the durable tables, opens the pool, makes the live view on the first
start, starts the dead-letter producer and the projection consumer, and listens for view
changes for the live streams; it closes them in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI

from coordination.consumer import ProjectionConsumer, run_until_stopped
from coordination.handlers import routers
from coordination.live import ViewChanges
from coordination.pages import PageCache
from coordination.settings import Settings
from coordination.store.schema import ensure_live_view
from samverkan_common.auth import TokenVerifier, VerifierConfig
from samverkan_common.db import create_pool
from samverkan_common.kafka import create_producer
from samverkan_common.metrics import instrument
from samverkan_common.migrations import migrate
from samverkan_common.web import HealthCheck, health_router, install_problem_handlers

AUDIENCE = "samverkan-coordination"
MIGRATIONS = Path(__file__).parent / "store" / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The coordination service's ASGI app; connections are made in its lifespan."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await migrate(settings, MIGRATIONS)
        pool = await create_pool(settings)
        async with pool.acquire() as conn:
            await ensure_live_view(conn)
        http = httpx.AsyncClient(timeout=5)
        producer = create_producer(settings.kafka_bootstrap, client_id="coordination")
        await producer.start()
        pages = PageCache(settings.page_cache_seconds, settings.page_cache_mib * 1024 * 1024)
        changes = ViewChanges(pool, pages=pages)
        await changes.start()
        consumer = ProjectionConsumer(pool, producer, settings)
        task = (
            asyncio.create_task(run_until_stopped(consumer)) if settings.consume_enabled else None
        )
        app.state.settings = settings
        app.state.pool = pool
        app.state.producer = producer
        app.state.changes = changes
        app.state.pages = pages
        app.state.consumer = consumer
        app.state.verifier = TokenVerifier(
            VerifierConfig.for_keycloak(issuer=settings.keycloak_issuer, audience=AUDIENCE), http
        )
        try:
            yield
        finally:
            consumer.stop()
            if task is not None:
                await task
            await changes.stop()
            await producer.stop()
            await http.aclose()
            await pool.close()

    app = FastAPI(
        title="Samverkan coordination",
        version="1",
        description="The central unit's shared view of the programme, scoped by token.",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    instrument(app)
    for router in routers():
        app.include_router(router)
    app.include_router(health_router(_readiness_checks(app)))
    return app


def _readiness_checks(app: FastAPI) -> dict[str, HealthCheck]:
    async def database() -> None:
        await app.state.pool.fetchval("SELECT 1")

    async def kafka() -> None:
        await app.state.producer.client.fetch_all_metadata()

    async def jwks() -> None:
        verifier: TokenVerifier = app.state.verifier
        await verifier.ready()

    return {"database": database, "kafka": kafka, "jwks": jwks}
