"""Wiring of the treatment service; see samverkan_common.service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from samverkan_common.plans import plans_router
from samverkan_common.service import DomainService
from samverkan_common.service import create_app as create_service_app
from treatment.handlers.reads import router
from treatment.services import USE_CASES
from treatment.settings import Settings

SERVICE = DomainService(
    name="treatment",
    title="Samverkan treatment",
    use_cases=USE_CASES,
    migrations=Path(__file__).parent / "store" / "migrations",
    routers=(router, plans_router()),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(SERVICE, settings or Settings())
