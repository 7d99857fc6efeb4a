"""The app factory every domain service uses: wiring only, nothing connects at import time.

A domain service describes itself with a :class:`DomainService` (its audience, the use case
for each event type it takes, its migrations and read routes); :func:`create_app` builds the
FastAPI app whose lifespan opens the pool, migrates, starts the Kafka producer and the outbox
relay, and closes them again in reverse order on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from rfc9457 import Problem

from samverkan_common.auth import TokenVerifier, VerifierConfig
from samverkan_common.db import create_pool
from samverkan_common.ingest import Ingestion, UseCase
from samverkan_common.kafka import KafkaPublisher, create_producer
from samverkan_common.metrics import EVENTS_ACCEPTED, EVENTS_REJECTED, instrument
from samverkan_common.migrations import migrate
from samverkan_common.outbox import OutboxRelay
from samverkan_common.problems import InvalidRequest, UnsupportedMediaType
from samverkan_common.settings import ServiceSettings
from samverkan_common.web import (
    CurrentPrincipal,
    HealthCheck,
    health_router,
    install_problem_handlers,
    read_body,
)
from samverkan_contracts.envelope import (
    BATCH_CONTENT_TYPE,
    STRUCTURED_CONTENT_TYPE,
    IdentityNumberFoundError,
    InvalidEventError,
    parse_batch,
    parse_structured,
)


@dataclass(frozen=True)
class DomainService:
    """What makes one domain service: the rest is shared."""

    name: str
    title: str
    use_cases: Mapping[str, UseCase]
    migrations: Path
    routers: Sequence[APIRouter] = field(default_factory=tuple)

    @property
    def audience(self) -> str:
        return f"samverkan-{self.name}"


class Accepted(BaseModel):
    """The ids of the accepted events (the same answer when an event is sent again)."""

    model_config = ConfigDict(frozen=True)
    accepted: list[str] = Field(
        description="Event ids.", examples=[["8d5f8a5e-0c63-4f0e-9a84-5a8d2f7d3b21"]]
    )


def ingestion_router(settings: ServiceSettings) -> APIRouter:
    router = APIRouter(tags=["ingestion"])
    content = {"schema": {"$ref": "https://samverkan.stockholm.se/asyncapi#/components/messages"}}

    @router.post(
        "/events",
        status_code=202,
        summary="Publish events (CloudEvents, structured mode, single or batch)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {STRUCTURED_CONTENT_TYPE: content, BATCH_CONTENT_TYPE: content},
            }
        },
    )
    async def post_events(request: Request, principal: CurrentPrincipal) -> Accepted:
        body = await read_body(request, settings.max_body_bytes)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if media == STRUCTURED_CONTENT_TYPE:
                events = [parse_structured(body, actororg=principal.organisation)]
            elif media == BATCH_CONTENT_TYPE:
                events = parse_batch(body, actororg=principal.organisation)
            else:
                raise UnsupportedMediaType(
                    f"send {STRUCTURED_CONTENT_TYPE} or {BATCH_CONTENT_TYPE}"
                )
            ingestion: Ingestion = request.app.state.ingestion
            ids = await ingestion.ingest(events, principal, batch=media == BATCH_CONTENT_TYPE)
        except InvalidEventError as error:
            EVENTS_REJECTED.labels(reason=_reason(error)).inc()
            raise InvalidRequest("the events are invalid", error.errors) from None
        except Problem as problem:
            EVENTS_REJECTED.labels(reason=problem.type).inc()
            raise
        for event_type, count in Counter(event.type for event in events).items():
            EVENTS_ACCEPTED.labels(type=event_type).inc(count)
        return Accepted(accepted=[str(i) for i in ids])

    return router


def _reason(error: InvalidEventError) -> str:
    return "identity-number" if isinstance(error, IdentityNumberFoundError) else "invalid-request"


def create_app(service: DomainService, settings: ServiceSettings) -> FastAPI:
    """The service's ASGI app; connections are made in its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await migrate(settings, service.migrations)
        pool = await create_pool(settings)
        http = httpx.AsyncClient(timeout=5)
        producer = create_producer(settings.kafka_bootstrap, client_id=service.name)
        await producer.start()
        relay = OutboxRelay(pool, KafkaPublisher(producer))
        relay_task = asyncio.create_task(relay.run()) if settings.relay_enabled else None
        app.state.pool = pool
        app.state.producer = producer
        app.state.verifier = TokenVerifier(
            VerifierConfig.for_keycloak(issuer=settings.keycloak_issuer, audience=service.audience),
            http,
        )
        app.state.ingestion = Ingestion(pool, service.use_cases)
        try:
            yield
        finally:
            relay.stop()
            if relay_task is not None:
                await relay_task
            await producer.stop()
            await http.aclose()
            await pool.close()

    app = FastAPI(title=service.title, version="1", lifespan=lifespan)
    install_problem_handlers(app)
    instrument(app)
    app.include_router(ingestion_router(settings))
    for router in service.routers:
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
