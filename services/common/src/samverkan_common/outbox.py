"""Transactional outbox: a state change and its events are committed together.

Ingestion calls :func:`enqueue` inside its transaction, once per request: one statement
writes every row and wakes the relay. The :class:`OutboxRelay` reads unpublished rows in the
order they were written with ``FOR UPDATE SKIP LOCKED`` (woken by ``LISTEN/NOTIFY``, with a
polling fallback), hands them to a :class:`Publisher` as one batch, and marks them published
with one statement in the same transaction. A crash between publish and mark publishes
again: at-least-once, and the event id lets every consumer drop the duplicate. Column names
follow Debezium's outbox router so a later move to change-data capture is cheap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

import asyncpg
from aiokafka.errors import KafkaError

from samverkan_common.db import Connection
from samverkan_common.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, OUTBOX_PUBLISHED
from samverkan_common.telemetry import inject_context
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent, to_kafka

log = logging.getLogger(__name__)

CHANNEL = "samverkan_outbox"
RELAY_LOCK = 0x5341_4F42  # advisory lock class held (with the schema) while a relay publishes

#: DDL for a service's first migration.
DDL = """
CREATE TABLE outbox (
    id            uuid PRIMARY KEY,
    aggregatetype text        NOT NULL,
    aggregateid   text        NOT NULL,
    type          text        NOT NULL,
    payload       bytea       NOT NULL,
    headers       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;
COMMENT ON COLUMN outbox.aggregatetype IS 'Kafka topic';
COMMENT ON COLUMN outbox.aggregateid IS 'Kafka key: the aggregate the event belongs to';
COMMENT ON COLUMN outbox.headers IS 'Kafka headers: CloudEvents ce_* attributes and traceparent';
"""

#: DDL for a later migration: the order of rows written by one statement, whose
#: ``created_at`` may be equal (a request's events about one aggregate keep their order).
ORDER_DDL = """
ALTER TABLE outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unpublished ON outbox (created_at, seq) WHERE published_at IS NULL;
"""

# one statement for any number of rows, in their order, and the relay woken on commit
_ENQUEUE = (
    "WITH added AS (INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers) "
    "SELECT id, topic, key, type, payload, headers::jsonb FROM unnest($1::uuid[], $2::text[], "
    "$3::text[], $4::text[], $5::bytea[], $6::text[]) WITH ORDINALITY "
    "AS m(id, topic, key, type, payload, headers, n) ORDER BY n RETURNING 1) "
    "SELECT pg_notify($7, '') FROM (SELECT count(*) FROM added) AS done"
)


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One record to publish: the Kafka topic, key, value and headers of an event."""

    id: UUID
    topic: str
    key: str
    type: str
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)


def outbox_message(
    event: CloudEvent[EventData], context: Mapping[str, str] | None = None
) -> OutboxMessage:
    """The event as an outbox row: its topic, key and binary-mode CloudEvents record, with
    the trace context ``context`` (by default the current one)."""
    record = to_kafka(event)
    return OutboxMessage(
        id=event.id,
        topic=event.spec.topic.name,
        key=record.key.decode(),
        type=event.type,
        value=record.value,
        # the ce_* attributes, and the trace context of the transaction writing the row
        headers={name: value.decode() for name, value in record.headers}
        | dict(inject_context() if context is None else context),
    )


async def enqueue(conn: Connection, messages: Sequence[OutboxMessage]) -> None:
    """Add messages to the outbox in the caller's transaction, in their order, with one
    statement; the relay is woken on commit."""
    if not messages:
        return
    await conn.execute(
        _ENQUEUE,
        [m.id for m in messages],
        [m.topic for m in messages],
        [m.key for m in messages],
        [m.type for m in messages],
        [m.value for m in messages],
        [json.dumps(m.headers) for m in messages],
        CHANNEL,
    )


# the oldest unpublished rows, in the order they were written, locked
_PENDING = (
    "SELECT id, aggregatetype, aggregateid, type, payload, headers FROM outbox "
    "WHERE published_at IS NULL ORDER BY created_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED"
)


class Publisher(Protocol):
    """Sends a batch of records and returns when the broker has acknowledged all of them."""

    async def publish(self, messages: Sequence[OutboxMessage]) -> None: ...


@dataclass
class OutboxRelay:
    """Publishes committed outbox rows in creation order, batch by batch."""

    pool: asyncpg.Pool
    publisher: Publisher
    batch_size: int = 500
    poll_seconds: float = 1.0
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: bool = False

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; return how many were published."""
        async with self.pool.acquire() as conn, conn.transaction():
            # one relay at a time per outbox (schema), so that events keep their order on
            # Kafka however many replicas of the service run
            locked = await conn.fetchval(
                "SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema()))", RELAY_LOCK
            )
            if not locked:
                return 0
            rows = await conn.fetch(_PENDING, self.batch_size)
            if not rows:
                return 0
            await self.publisher.publish([_message(row) for row in rows])
            await conn.execute(
                "UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::uuid[])",
                [row["id"] for row in rows],
            )
        OUTBOX_PUBLISHED.inc(len(rows))
        return len(rows)

    async def run(self) -> None:
        """Publish until :meth:`stop`; wakes on NOTIFY and polls as a fallback."""
        listener = await self.pool.acquire()
        await listener.add_listener(CHANNEL, self._notified)
        try:
            while not self._stopping:
                try:
                    while await self.publish_pending() == self.batch_size:
                        pass
                    await self._measure()
                except (OSError, asyncpg.PostgresError, KafkaError, RuntimeError):
                    log.exception("outbox relay: publishing failed, retrying")
                    await asyncio.sleep(self.poll_seconds)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
        finally:
            await listener.remove_listener(CHANNEL, self._notified)
            await self.pool.release(listener)

    async def _measure(self) -> None:
        async with self.pool.acquire() as conn:
            rows, age = await backlog(conn)
        OUTBOX_BACKLOG.set(rows)
        OUTBOX_OLDEST_AGE.set(age)

    def stop(self) -> None:
        """Finish the batch in flight, then return from :meth:`run`."""
        self._stopping = True
        self._wake.set()

    def _notified(self, *_: object) -> None:
        self._wake.set()


async def backlog(conn: Connection) -> tuple[int, float]:
    """Unpublished rows and the age in seconds of the oldest (for metrics and readiness)."""
    row = await conn.fetchrow(
        "SELECT count(*) AS n, coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)"
        " AS age FROM outbox WHERE published_at IS NULL"
    )
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    return int(row["n"]), float(row["age"])


def _message(row: asyncpg.Record) -> OutboxMessage:
    headers = row["headers"]
    return OutboxMessage(
        id=row["id"],
        topic=row["aggregatetype"],
        key=row["aggregateid"],
        type=row["type"],
        value=bytes(row["payload"]),
        headers=json.loads(headers) if isinstance(headers, str) else dict(headers),
    )
