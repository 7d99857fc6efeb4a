"""The prevention service running in-process against the real stack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prevention.app import create_app
from prevention.settings import Settings

from tests.support.apps import running, settings_for


@pytest.fixture(scope="module")
async def service() -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(settings_for(Settings))) as client:
        yield client


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client
