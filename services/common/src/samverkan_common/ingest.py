"""Ingestion of events from district systems: authorise, apply once, publish through the outbox.

One request's events are applied in one transaction, all or none. The inbox remembers every
accepted event id with a digest of its content, so the same event again is answered the same
way with no second effect, and an id reused for different content is a conflict.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import asyncpg
from opentelemetry import trace
from rfc9457 import Problem

from samverkan_common.auth import Principal
from samverkan_common.authz import authorize
from samverkan_common.db import Connection
from samverkan_common.outbox import enqueue, outbox_message
from samverkan_common.problems import InvalidRequest, StateConflict
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent, wire_dict
from samverkan_contracts.registry import EVENT_TYPES

tracer = trace.get_tracer("samverkan.ingest")

#: DDL for a service's first migration.
INBOX_DDL = """
CREATE TABLE inbox (
    id          uuid PRIMARY KEY,
    digest      bytea       NOT NULL,
    type        text        NOT NULL,
    actororg    text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""


class UseCase(Protocol):
    """Applies one event to the service's own state inside the ingestion transaction."""

    async def __call__(
        self, conn: Connection, event: CloudEvent[EventData], principal: Principal, /
    ) -> None: ...


def digest(event: CloudEvent[EventData]) -> bytes:
    """What makes two deliveries the same event (trace context may differ between retries)."""
    body = wire_dict(event)
    body.pop("traceparent", None)
    body.pop("tracestate", None)
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()


@dataclass(frozen=True)
class Ingestion:
    """The events this service accepts, each with the use case that applies it."""

    pool: asyncpg.Pool
    use_cases: Mapping[str, UseCase]

    async def ingest(
        self, events: Sequence[CloudEvent[EventData]], principal: Principal, *, batch: bool
    ) -> list[UUID]:
        """Apply and publish the events; return their ids (the same ids for a repeat).

        A refusal names the event it concerns (``$[i]`` in a batch, ``$`` for one event).
        """
        roots = [f"$[{i}]" if batch else "$" for i in range(len(events))]
        for root, event in zip(roots, events, strict=True):
            if event.type not in self.use_cases:
                raise InvalidRequest(
                    "this service does not take this event type",
                    [{"path": f"{root}.type", "type": "wrong_service", "message": event.type}],
                )
            with _located(root):
                authorize(principal, event)
        with tracer.start_as_current_span(
            "ingest transaction",
            kind=trace.SpanKind.CLIENT,
            attributes={"db.system.name": "postgresql", "samverkan.events": len(events)},
        ):
            await self._apply(events, roots, principal)
        return [event.id for event in events]

    async def _apply(
        self, events: Sequence[CloudEvent[EventData]], roots: list[str], principal: Principal
    ) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            for root, event in zip(roots, events, strict=True):
                if await self._first_time(conn, event):
                    with _located(root):
                        await self.use_cases[event.type](conn, event, principal)
                    await enqueue(conn, [outbox_message(event)])

    async def _first_time(self, conn: Connection, event: CloudEvent[EventData]) -> bool:
        mine = digest(event)
        inserted = await conn.fetchval(
            "INSERT INTO inbox (id, digest, type, actororg) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (id) DO NOTHING RETURNING true",
            event.id,
            mine,
            event.type,
            event.actororg,
        )
        if inserted:
            return True
        seen = await conn.fetchval("SELECT digest FROM inbox WHERE id = $1", event.id)
        if bytes(seen) != mine:
            raise StateConflict(f"event id {event.id} was already used for a different event")
        return False


@contextlib.contextmanager
def _located(root: str) -> Iterator[None]:
    """Name the event a problem concerns, and root its field paths there."""
    try:
        yield
    except Problem as problem:
        problem.extras["event"] = root
        if isinstance(problem, InvalidRequest):
            problem.extras["errors"] = [
                {**e, "path": root + e["path"].removeprefix("$")} for e in problem.extras["errors"]
            ]
        raise


def by_type(use_cases: Mapping[type[EventData], UseCase]) -> dict[str, UseCase]:
    """Key a service's use-case table by the registered type of each data model."""
    types = {spec.model: event_type for event_type, spec in EVENT_TYPES.items()}
    return {types[model]: use_case for model, use_case in use_cases.items()}
