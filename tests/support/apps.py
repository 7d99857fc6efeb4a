"""Run a service's ASGI app in-process, lifespan included, against the real local stack."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import httpx
from fastapi import FastAPI

from samverkan_common.settings import ServiceSettings
from tests.stack import STACK


def stack_settings() -> dict[str, object]:
    """Settings overrides that point a service at the stack the tests run against."""
    return {
        "database_port": STACK.pg_port,
        "kafka_bootstrap": STACK.kafka_bootstrap,
        "keycloak_issuer": STACK.issuer,
    }


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (migrations, pool, producer, relay) and give a client to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


S = TypeVar("S", bound=ServiceSettings)


def settings_for(cls: type[S], **overrides: object) -> S:
    """A service's settings aimed at the test stack."""
    return cls.model_validate({**stack_settings(), **overrides})
