"""The trafficking service running against the real stack, once for this folder's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from trafficking.app import create_app

from samverkan_contracts.topics import TRAFFICKING
from tests.support.apps import running
from tests.support.harness import Tokens, TopicReader, topic_reader


@pytest.fixture(scope="package")
async def service() -> AsyncIterator[tuple[httpx.AsyncClient, asyncpg.Pool]]:
    app = create_app()
    async with running(app) as client:
        yield client, app.state.pool


@pytest.fixture(scope="package")
def client(service: tuple[httpx.AsyncClient, asyncpg.Pool]) -> httpx.AsyncClient:
    return service[0]


@pytest.fixture(scope="package")
def pool(service: tuple[httpx.AsyncClient, asyncpg.Pool]) -> asyncpg.Pool:
    return service[1]


@pytest.fixture(scope="package")
async def tokens() -> AsyncIterator[Tokens]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield Tokens(http)


@pytest.fixture(scope="package")
async def reader() -> AsyncIterator[TopicReader]:
    async with topic_reader(TRAFFICKING) as topic:
        yield topic
