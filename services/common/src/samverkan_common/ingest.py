"""Ingestion of events from district systems: authorise, apply once, publish through the outbox.

One request's events are applied in one transaction, all or none, with a handful of
statements however many events a batch holds: one inbox statement, the use cases' writes
(one statement per run of events of a batched type), one outbox statement. The inbox
remembers every accepted event id with a digest of its content, so the same event again is
answered the same way with no second effect, and an id reused for different content is a
conflict. Events are applied in the order of the body, so a later event may depend on an
earlier one of the same request.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar
from uuid import UUID

import asyncpg
from opentelemetry import trace
from rfc9457 import Problem

from samverkan_common.auth import Principal
from samverkan_common.authz import authorize
from samverkan_common.db import Connection
from samverkan_common.outbox import enqueue, outbox_message
from samverkan_common.problems import InvalidRequest, StateConflict
from samverkan_common.telemetry import inject_context
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent, wire_dict
from samverkan_contracts.registry import EVENT_TYPES

tracer = trace.get_tracer("samverkan.ingest")

K = TypeVar("K", bound=Hashable)

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

# ids sorted, so that requests sharing ids take their locks in one order
_INBOX_INSERT = (
    "INSERT INTO inbox (id, digest, type, actororg) "
    "SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::text[]) "
    "ON CONFLICT (id) DO NOTHING RETURNING id"
)
_INBOX_DIGESTS = "SELECT id, digest FROM inbox WHERE id = ANY($1::uuid[])"


class UseCase(Protocol):
    """Applies one event to the service's own state inside the ingestion transaction."""

    async def __call__(
        self, conn: Connection, event: CloudEvent[EventData], principal: Principal, /
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Located:
    """An event of a request and where it is in the body (``$[i]`` in a batch, ``$`` alone)."""

    root: str
    event: CloudEvent[EventData]


class ManyUseCase(Protocol):
    """Applies consecutive events of a request at once, with the effect of applying them one
    by one in order; a refusal is raised inside :func:`located` for the event it concerns."""

    async def __call__(
        self, conn: Connection, events: Sequence[Located], principal: Principal, /
    ) -> None: ...


@dataclass(frozen=True)
class Batched:
    """A use case that takes a run of consecutive events of its types in a few statements."""

    many: ManyUseCase

    async def __call__(
        self, conn: Connection, event: CloudEvent[EventData], principal: Principal, /
    ) -> None:
        await self.many(conn, [Located("$", event)], principal)


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
            with located(root):
                authorize(principal, event)
        with tracer.start_as_current_span(
            "ingest transaction",
            kind=trace.SpanKind.CLIENT,
            attributes={"db.system.name": "postgresql", "samverkan.events": len(events)},
        ):
            await self._apply(
                [Located(r, e) for r, e in zip(roots, events, strict=True)], principal
            )
        return [event.id for event in events]

    async def _apply(self, events: Sequence[Located], principal: Principal) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            fresh, reused = await _first_time(conn, events)
            # what precedes a reused id is applied first, so that the first refusal is named
            todo = [events[i] for i in fresh if reused is None or i < reused]
            for use_case, run in itertools.groupby(todo, lambda e: self.use_cases[e.event.type]):
                await _run(conn, use_case, list(run), principal)
            if reused is not None:
                with located(events[reused].root):
                    event_id = events[reused].event.id
                    raise StateConflict(
                        f"event id {event_id} was already used for a different event"
                    )
            context = inject_context()
            await enqueue(conn, [outbox_message(e.event, context) for e in todo])


async def _run(
    conn: Connection, use_case: UseCase, run: Sequence[Located], principal: Principal
) -> None:
    if isinstance(use_case, Batched):
        await use_case.many(conn, run, principal)
        return
    for item in run:
        with located(item.root):
            await use_case(conn, item.event, principal)


async def _first_time(conn: Connection, events: Sequence[Located]) -> tuple[list[int], int | None]:
    """Record the events in the inbox: the positions of those new (each id's first, in order),
    and the first position of an id used for different content (earlier in the request or
    before), if any."""
    digests = [digest(e.event) for e in events]
    first: dict[UUID, int] = {}
    reused: list[int] = []
    for i, item in enumerate(events):
        if digests[first.setdefault(item.event.id, i)] != digests[i]:
            reused.append(i)
    order = sorted(first.values(), key=lambda i: events[i].event.id)
    rows = await conn.fetch(
        _INBOX_INSERT,
        [events[i].event.id for i in order],
        [digests[i] for i in order],
        [events[i].event.type for i in order],
        [events[i].event.actororg for i in order],
    )
    inserted = {row["id"] for row in rows}
    seen = [i for i in first.values() if events[i].event.id not in inserted]
    if seen:
        stored = {
            row["id"]: bytes(row["digest"])
            for row in await conn.fetch(_INBOX_DIGESTS, [events[i].event.id for i in seen])
        }
        reused += [i for i in seen if stored[events[i].event.id] != digests[i]]
    fresh = [i for i in first.values() if events[i].event.id in inserted]
    return fresh, min(reused, default=None)


def first_unclaimed(keys: Sequence[K], added: set[K]) -> int | None:
    """For a run of inserts of ``keys`` in one statement that added ``added``: the first
    position whose key was not added, being taken before or earlier in the same run."""
    claimed: set[K] = set()
    for i, key in enumerate(keys):
        if key not in added or key in claimed:
            return i
        claimed.add(key)
    return None


@contextlib.contextmanager
def located(root: str) -> Iterator[None]:
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
