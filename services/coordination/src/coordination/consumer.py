"""The projections' Kafka consumer: every area topic and the erasures topic, one consumer
group, batches applied in one PostgreSQL transaction each, Kafka offsets committed after.

Why a plain aiokafka loop rather than a FastStream batch subscriber: the view's positions in
PostgreSQL are the truth (the eventsourcing ``Tracking`` idea), so on every assignment the
consumer must seek to the positions stored in the *live view schema*, which changes when a
replay switches over; the batch must be parsed record by record so that one poison record is
dead-lettered while the rest of its batch is applied; and the same ``apply_batch`` serves the
replay command, which reads fixed offset ranges with manually assigned partitions. FastStream
0.7's batch subscriber decodes and acknowledges whole batches and has no dead-letter support,
so each of these would have been a workaround around it; the loop below is shorter than those
workarounds. Kafka offsets are still committed after each batch (for lag monitoring), but a
lost commit only means records are read again and dropped by the stored positions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition
from opentelemetry import trace

from coordination.domain.deadletters import DeadLetter
from coordination.domain.records import Record
from coordination.projection import DeadLetterSink, Outcome, apply_batch, in_transaction
from coordination.settings import Settings
from coordination.store import schema as schemas
from coordination.store import view
from samverkan_common.db import Connection
from samverkan_common.metrics import CONSUMER_LAG, DEAD_LETTERS, PROJECTION_DELAY
from samverkan_common.telemetry import (
    carrier_of,
    drops_unsampled_parents,
    extract_context,
    unsampled,
)
from samverkan_contracts.topics import AREA_TOPICS, DEADLETTER, ERASURES

log = logging.getLogger(__name__)
tracer = trace.get_tracer("samverkan.coordination")

#: The erasures topic, then every area topic once (holistic plans share prevention's).
TOPICS: tuple[str, ...] = (
    ERASURES.name,
    *sorted({topic.name for topic in AREA_TOPICS.values()}),
)

#: Advisory lock: batches hold it shared; a replay's switch-over, and a batch that holds an
#: erasure, hold it exclusively (so no batch of another replica, which checked the deny-list
#: before the erasure committed, can write the erased subject's rows after it).
SWITCH_LOCK = 0x5A4D_5645  # "ZMVE"
#: NOTIFY channel on which every applied batch announces what changed.
CHANNEL = "coordination_view"
#: Kafka's committed offsets trail the view's positions by at most this much.
COMMIT_EVERY_SECONDS = 1.0


@dataclass
class KafkaDeadLetters:
    """Publishes dead letters to the dead-letter topic, then records them for operators."""

    producer: AIOKafkaProducer
    consumer_group: str

    async def send(self, conn: Connection, letters: Sequence[DeadLetter]) -> None:
        pending = [
            await self.producer.send(
                DEADLETTER.name,
                letter.record.value,
                key=letter.record.key,
                headers=letter.headers(self.consumer_group),
            )
            for letter in letters
        ]
        await asyncio.gather(*pending)
        await record_dead_letters(conn, letters)
        for letter in letters:
            DEAD_LETTERS.labels(topic=letter.record.topic, error=letter.error_class).inc()


async def record_dead_letters(conn: Connection, letters: Sequence[DeadLetter]) -> None:
    await conn.executemany(
        'INSERT INTO coordination.dead_letters (topic, partition, "offset", record_time, '
        "event_type, error_class, error_message) VALUES ($1, $2, $3, "
        "to_timestamp($4::bigint / 1000.0), $5, $6, $7) ON CONFLICT DO NOTHING",
        [
            (
                d.record.topic,
                d.record.partition,
                d.record.offset,
                d.record.timestamp,
                d.record.header_type,
                d.error_class,
                d.error_message,
            )
            for d in letters
        ],
    )


#: The batch's lock, and its commit not waiting for the WAL to reach the disk: the view is a
#: projection of the topics and its positions commit with its rows, so a commit that a crash of
#: PostgreSQL loses only moves the positions back, and the consumer (which seeks to the stored
#: positions, not to Kafka's committed offsets) reads those records again. The audit trail,
#: in the same database, keeps the server's setting.
_ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)"
_LIVE = "(SELECT schema_name FROM coordination.live_view)"
_ALONE = f"SELECT pg_advisory_xact_lock($1), {_ASYNC_COMMIT}, {_LIVE}"
_BESIDE_OTHERS = f"SELECT pg_advisory_xact_lock_shared($1), {_ASYNC_COMMIT}, {_LIVE}"


async def apply_live(
    conn: Connection, records: Sequence[Record], sink: DeadLetterSink
) -> tuple[str, Outcome]:
    """Apply a batch to whichever view is live, in one transaction, and announce it.

    Several replicas may apply batches at once (each its own partitions of the consumer
    group); a batch holding an erasure runs alone.
    """
    erasing = any(record.topic == ERASURES.name for record in records)

    async def work(*, careful: bool) -> tuple[str, Outcome]:
        row = await conn.fetchrow(_ALONE if erasing else _BESIDE_OTHERS, SWITCH_LOCK)
        if row is None or row[2] is None:
            raise RuntimeError("no live view; start the service to create one")
        schema = schemas.checked(row[2])
        outcome = await apply_batch(conn, schema, records, sink, careful=careful, channel=CHANNEL)
        return schema, outcome

    return await in_transaction(conn, work)


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    def __init__(self, projector: ProjectionConsumer) -> None:
        self._projector = projector

    async def on_partitions_revoked(self, revoked: Any) -> None:
        del revoked

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self._projector.seek_to_stored(assigned)


@dataclass
class ProjectionConsumer:
    """Reads every topic in batches and applies them to the live view until stopped."""

    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    settings: Settings
    retry_seconds: float = 1.0
    applied: int = 0
    rewound: int = 0
    _consumer: Any = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _uncommitted: dict[tuple[str, int], int] = field(default_factory=dict)
    _committed_at: float = 0.0
    _skip_unsampled: bool = False

    async def run(self) -> None:
        s = self.settings
        self._skip_unsampled = drops_unsampled_parents()
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap,
            group_id=s.consumer_group,
            client_id="coordination",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_min_bytes=s.fetch_min_bytes,
            fetch_max_wait_ms=s.fetch_max_wait_ms,
        )
        self._consumer.subscribe(list(TOPICS), listener=_SeekToStored(self))
        await self._consumer.start()
        sink = KafkaDeadLetters(self.producer, s.consumer_group)
        try:
            while not self._stopping.is_set():
                await self._one_batch(sink)
        finally:
            await self._consumer.stop()

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def wait_stopping(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def rewind(self, tp: TopicPartition, offset: int) -> None:
        """Read a partition again from ``offset`` (records already applied are dropped)."""
        self._consumer.seek(tp, offset)

    async def _one_batch(self, sink: KafkaDeadLetters) -> None:
        batch = await self._consumer.getmany(
            timeout_ms=self.settings.batch_wait_ms, max_records=self.settings.batch_size
        )
        records = [Record.of(r) for rs in batch.values() for r in rs]
        if not records:
            return
        spans = process_spans(records, skip_unsampled=self._skip_unsampled)
        try:
            async with self.pool.acquire() as conn:
                _, outcome = await apply_live(conn, records, sink)
        except Exception:
            log.exception("applying a batch of %d records failed; retrying", len(records))
            await asyncio.sleep(self.retry_seconds)
            await self.seek_to_stored(self._consumer.assignment())
            return
        finally:
            for span in spans:
                span.end()
        self.applied += outcome.applied
        self.rewound += outcome.rewound
        _measure(records, self._consumer, outcome)
        await self._commit(outcome)

    async def _commit(self, outcome: Outcome) -> None:
        """Hand Kafka the positions, at most once a second (they are for lag monitoring; the
        positions stored with the view are the truth)."""
        self._uncommitted.update(outcome.nexts)
        now = time.monotonic()
        if now - self._committed_at < COMMIT_EVERY_SECONDS:
            return
        assigned = self._consumer.assignment()
        offsets = {
            tp: n
            for (t, p), n in self._uncommitted.items()
            if (tp := TopicPartition(t, p)) in assigned
        }
        self._uncommitted.clear()
        self._committed_at = now
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as error:  # the stored positions are the truth; log and go on
            log.warning("committing offsets failed (%s); positions are stored", error)

    async def seek_to_stored(self, partitions: Any) -> None:
        """Seek each partition to the view's stored position (or to its beginning).

        A stored position past the end of the partition means the log is not the one the view
        was built from (Kafka's data was replaced, or the topic made anew): the records there
        were never applied, so the position goes back to the log's beginning and the partition
        is read from there; events the view applied before are known by their ids and dropped.
        """
        partitions = list(partitions)
        if not partitions:
            return
        ends = await self._consumer.end_offsets(partitions)
        async with self.pool.acquire() as conn:
            schema = await schemas.live_schema(conn)
            stored = await schemas.positions(conn, schema) if schema else {}
            past_end = {
                (tp.topic, tp.partition): position
                for tp in partitions
                if (position := stored.get((tp.topic, tp.partition))) is not None
                and position > ends[tp]
            }
            if schema and past_end:
                for (topic, partition), position in sorted(past_end.items()):
                    log.error(
                        "stored position %d of %s[%d] is past the end of the log (%d): "
                        "reading the partition again from its beginning",
                        position,
                        topic,
                        partition,
                        ends[TopicPartition(topic, partition)],
                    )
                await view.restart_positions(conn, schema, past_end)
        for tp in partitions:
            position = stored.get((tp.topic, tp.partition))
            if position is None or (tp.topic, tp.partition) in past_end:
                await self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, position)


def process_spans(records: Sequence[Record], *, skip_unsampled: bool) -> list[trace.Span]:
    """A consumer span per record, continuing the trace its producer started; none for a
    record whose trace context says "not sampled" when the sampler would drop its span anyway
    (``skip_unsampled``: :func:`drops_unsampled_parents`). Nothing reads a process span's
    context (dead letters keep the record's own headers), so a skipped span is not missed:
    reading the context and asking the sampler took about 14 µs a record."""
    spans = []
    for record in records:
        carrier = carrier_of(record.headers)
        if not (skip_unsampled and unsampled(carrier)):
            spans.append(_process_span(record, carrier))
    return spans


def _process_span(record: Record, carrier: dict[str, str]) -> trace.Span:
    return tracer.start_span(
        f"{record.topic} process",
        context=extract_context(carrier),
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": record.topic,
            "messaging.destination.partition.id": str(record.partition),
            "messaging.kafka.offset": record.offset,
            "messaging.message.id": next(
                (v.decode(errors="replace") for k, v in record.headers if k == "ce_id"), ""
            ),
        },
    )


def _measure(records: Sequence[Record], consumer: AIOKafkaConsumer, outcome: Outcome) -> None:
    """Projection delay (record time to view commit) and lag (high water - next to apply)."""
    now_ms = time.time() * 1000
    for record in records:
        if record.timestamp is not None:
            PROJECTION_DELAY.observe(max(0.0, now_ms - record.timestamp) / 1000)
    for (topic, partition), next_offset in outcome.nexts.items():
        highwater = consumer.highwater(TopicPartition(topic, partition))
        if highwater is not None:
            lag = max(0, highwater - next_offset)
            CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(lag)


async def run_until_stopped(consumer: ProjectionConsumer) -> None:
    """Run the consumer, restarting it after an unexpected failure (logged)."""
    while not consumer.stopping:
        try:
            await consumer.run()
        except Exception:
            log.exception("projection consumer failed; restarting")
            await consumer.wait_stopping(consumer.retry_seconds)
