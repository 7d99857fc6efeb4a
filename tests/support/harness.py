"""Running a domain service against the real local stack, for integration tests.

The app runs with its own lifespan (migrations, pool, producer, outbox relay) behind an
in-process ASGI transport; tokens come from the real Keycloak; what the relay published is
read back from the real Kafka between two sets of end offsets.

Shared by the outreach and trafficking suites; ``running`` is tests.support.apps's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import (
    BATCH_CONTENT_TYPE,
    STRUCTURED_CONTENT_TYPE,
    CloudEvent,
    wire_dict,
)
from samverkan_contracts.topics import Topic
from tests.stack import STACK

#: How long to wait for the outbox relay; a wait, not an assertion about speed.
PUBLISH_DEADLINE_SECONDS = 30.0


@dataclass
class Tokens:
    """Access tokens from the real realm, one per identity (they live 300 s)."""

    http: httpx.AsyncClient
    _cache: dict[str, tuple[str, float]] = field(default_factory=dict)

    async def machine(self, org: str) -> str:
        """An organisation's machine client's token (development-only secrets,
        deploy/keycloak/README.md)."""
        return await self.client(f"org-{org}", f"dev-{org}-secret")

    async def client(self, name: str, secret: str) -> str:
        """Any confidential client's token (client credentials)."""
        form = {"grant_type": "client_credentials", "client_id": name, "client_secret": secret}
        return await self._token(name, form)

    async def person(self, username: str) -> str:
        """A demo person's token via the dashboard client's development-only password grant."""
        form = {
            "grant_type": "password",
            "client_id": "samverkan-dashboard",
            "username": username,
            "password": f"demo-{username}",
            "scope": "openid",
        }
        return await self._token(username, form)

    async def _token(self, who: str, form: dict[str, str]) -> str:
        token, fresh_until = self._cache.get(who, ("", 0.0))
        if time.monotonic() >= fresh_until:
            response = await self.http.post(STACK.token_url, data=form)
            response.raise_for_status()
            body = response.json()
            token = body["access_token"]
            self._cache[who] = token, time.monotonic() + body["expires_in"] - 60
        return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def client_body(event: CloudEvent[EventData]) -> dict[str, Any]:
    """The event as a district system sends it: without actororg, which the platform sets."""
    body = wire_dict(event)
    del body["actororg"]
    return body


async def post(
    client: httpx.AsyncClient, token: str, *events: CloudEvent[EventData]
) -> httpx.Response:
    """POST /events: one event in structured mode, several as a batch."""
    if len(events) == 1:
        content, media = json.dumps(client_body(events[0])), STRUCTURED_CONTENT_TYPE
    else:
        content, media = json.dumps([client_body(e) for e in events]), BATCH_CONTENT_TYPE
    headers = {**bearer(token), "Content-Type": media}
    return await client.post("/events", content=content, headers=headers)


async def get(client: httpx.AsyncClient, token: str, path: str, **params: str) -> httpx.Response:
    return await client.get(path, params=params, headers=bearer(token))


async def wait_published(pool: asyncpg.Pool, ids: Sequence[UUID]) -> None:
    """Wait until the relay has published the outbox rows of these events."""
    async with asyncio.timeout(PUBLISH_DEADLINE_SECONDS):
        while await pool.fetchval(  # noqa: ASYNC110 - the relay's NOTIFY is not ours to hear
            "SELECT count(*) FROM outbox WHERE id = ANY($1::uuid[]) AND published_at IS NOT NULL",
            list(ids),
        ) < len(ids):
            await asyncio.sleep(0.05)


async def outbox_rows(pool: asyncpg.Pool, event_id: UUID) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM outbox WHERE id = $1", event_id)
    return count


Offsets = dict[TopicPartition, int]


@dataclass
class TopicReader:
    """Reads one topic between end offsets taken before and after the events were posted."""

    consumer: AIOKafkaConsumer
    topic: Topic

    @property
    def partitions(self) -> list[TopicPartition]:
        return [TopicPartition(self.topic.name, p) for p in range(self.topic.partitions)]

    async def end_offsets(self) -> Offsets:
        offsets: Offsets = await self.consumer.end_offsets(self.partitions)
        return offsets

    async def records(self, start: Offsets, end: Offsets) -> list[Any]:
        """Every record from ``start`` up to (not including) ``end``."""
        found: list[Any] = []
        for tp in self.partitions:
            if end[tp] > start[tp]:
                self.consumer.seek(tp, start[tp])
            while end[tp] > start[tp] and await self.consumer.position(tp) < end[tp]:
                batch = await self.consumer.getmany(tp, timeout_ms=1000)
                found.extend(r for r in batch.get(tp, []) if r.offset < end[tp])
        return found


@contextlib.asynccontextmanager
async def topic_reader(topic: Topic) -> AsyncIterator[TopicReader]:
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        reader = TopicReader(consumer, topic)
        consumer.assign(reader.partitions)
        yield reader
    finally:
        await consumer.stop()


def headers_of(record: Any) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}


async def records_of(
    reader: TopicReader, pool: asyncpg.Pool, start: Offsets, event_id: UUID
) -> list[Any]:
    """Once the event is published: every record on the topic since ``start`` that carries it."""
    await wait_published(pool, [event_id])
    records = await reader.records(start, await reader.end_offsets())
    return [r for r in records if headers_of(r).get("ce_id") == str(event_id)]
