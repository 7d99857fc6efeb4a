"""Replay: rebuild the view from the topics into a fresh schema, then switch over.

1. Make an empty ``view_<n>`` without the indexes only reads use; read every partition from
   its beginning to the end offsets taken at the start (the erasures topic first, so erased
   subjects never reappear), applying batches with the same ``apply_batch`` as the live
   consumer, with a progress bar; then build those indexes. The area topics' partitions are
   shared out by their records among ``replay_workers`` processes (parsing is Python, so one
   process uses at most one core); their transactions meet only on the count cells, which
   every batch writes last, in key order.
2. Switch-over, holding the advisory lock that pauses the live consumer between batches:
   bring both views to the same positions (the new one, or the live one if it lagged; records
   the live view had not yet seen are dead-lettered as the live consumer would), compare the
   checksums, and make the new schema live in one transaction; the old one is dropped (an
   erasure must not survive in an old copy).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TextIO

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from coordination.consumer import SWITCH_LOCK, TOPICS, KafkaDeadLetters
from coordination.domain.deadletters import DeadLetter
from coordination.domain.records import Record
from coordination.projection import DeadLetterSink, apply_batch, in_transaction
from coordination.settings import Settings
from coordination.store import schema as schemas
from samverkan_common import heap
from samverkan_common.db import Connection, create_pool
from samverkan_common.kafka import create_producer
from samverkan_contracts.topics import ERASURES

Offsets = dict[tuple[str, int], int]


@dataclass
class CountingSink:
    """Replay does not publish dead letters again: the live consumer already did."""

    dead: int = 0

    async def send(self, conn: Connection, letters: Sequence[DeadLetter]) -> None:
        del conn
        self.dead += len(letters)


@dataclass
class Progress:
    total: int
    out: TextIO
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-9)

    def add(self, n: int) -> None:
        self.done += n
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        self.out.write(
            f"\r[{bar:<30}] {share:6.1%} {self.done:,}/{self.total:,} records "
            f"{self.rate:,.0f} records/s"
        )
        self.out.flush()


@dataclass
class ReplayReport:
    schema: str
    records: int
    seconds: float
    live_checksum: str
    rebuilt_checksum: str
    switched: bool

    @property
    def rate(self) -> float:
        return self.records / max(self.seconds, 1e-9)


async def _read_range(  # noqa: PLR0913 - one range read, explicit
    consumer: Any,
    *,
    pool_or_conn: asyncpg.Pool | Connection,
    schema: str,
    start: Mapping[TopicPartition, int],
    end: Mapping[TopicPartition, int],
    sink: DeadLetterSink,
    progress: Progress | None,
    batch_size: int,
) -> None:
    todo = {tp for tp in start if start[tp] < end[tp]}
    if not todo:
        return
    consumer.assign(sorted(todo))
    for tp in todo:
        consumer.seek(tp, start[tp])
    while todo:
        batch = await consumer.getmany(*todo, timeout_ms=1000, max_records=batch_size)
        records = [Record.of(r) for tp, rs in batch.items() for r in rs if r.offset < end[tp]]
        for tp in list(todo):
            if await consumer.position(tp) >= end[tp]:
                todo.discard(tp)
        if records:
            await _apply(pool_or_conn, schema, records, sink)
            if progress:
                progress.add(len(records))


async def _apply(
    pool_or_conn: asyncpg.Pool | Connection,
    schema: str,
    records: list[Record],
    sink: DeadLetterSink,
) -> None:
    if isinstance(pool_or_conn, asyncpg.Pool):
        async with pool_or_conn.acquire() as conn:
            await _apply(conn, schema, records, sink)
        return

    async def work(*, careful: bool) -> None:
        await apply_batch(pool_or_conn, schema, records, sink, careful=careful)

    await in_transaction(pool_or_conn, work)


Range = tuple[str, int, int, int]  # topic, partition, first offset, end offset (exclusive)


async def rebuild(  # noqa: PLR0913 - the rebuild's inputs, explicit
    settings: Settings,
    *,
    consumer: Any,
    pool: asyncpg.Pool,
    schema: str,
    ranges: Sequence[Range],
    progress: Progress,
) -> int:
    """Apply ``ranges`` to ``schema`` (made with ``create_view(bulk=True)``): the erasures
    first, in this process, then the area topics in ``settings.replay_workers`` processes;
    the dead letters skipped; then the indexes left out while filling it."""
    sink = CountingSink()
    erasures = [r for r in ranges if r[0] == ERASURES.name]
    areas = [r for r in ranges if r[0] != ERASURES.name and r[2] < r[3]]
    n = settings.batch_size
    await _read_ranges(consumer, pool, schema, erasures, sink=sink, progress=progress, batch_size=n)
    shares = [share for share in balanced(areas, settings.replay_workers) if share]
    if len(shares) <= 1:
        await _read_ranges(
            consumer, pool, schema, areas, sink=sink, progress=progress, batch_size=n
        )
    else:
        sink.dead += await _in_workers(settings, schema, shares, progress)
    progress.out.write("\nindexing the new view\n")
    await schemas.finish_bulk(pool, schema, lanes=settings.replay_workers)
    return sink.dead


async def _in_workers(
    settings: Settings, schema: str, shares: Sequence[Sequence[Range]], progress: Progress
) -> int:
    """Each share read by a process of its own; their dead letters counted."""
    spawn = multiprocessing.get_context("spawn")
    done: Synchronized[int] = spawn.Value("q", 0)
    with ProcessPoolExecutor(
        len(shares),
        mp_context=spawn,
        initializer=_start_worker,
        initargs=(done,),
    ) as workers:
        loop = asyncio.get_running_loop()
        futures = [
            loop.run_in_executor(workers, _replay_share, settings, schema, share)
            for share in shares
        ]
        reported = 0
        while not all(f.done() for f in futures):
            await asyncio.wait(futures, timeout=0.5)
            now = done.value
            progress.add(now - reported)
            reported = now
        return sum(await asyncio.gather(*futures))


def balanced(ranges: Sequence[Range], n: int) -> list[list[Range]]:
    """``ranges`` shared out among ``n`` workers by their records: the largest first, each to
    the worker with the fewest so far, so that no worker is left replaying alone at the end
    (topics differ in size: shared out in turn, one worker took 15 % longer)."""
    shares: list[list[Range]] = [[] for _ in range(n)]
    loads = [0] * n
    for r in sorted(ranges, key=lambda r: r[3] - r[2], reverse=True):
        least = loads.index(min(loads))
        shares[least].append(r)
        loads[least] += r[3] - r[2]
    return shares


async def _read_ranges(  # noqa: PLR0913 - one range read, explicit
    consumer: Any,
    pool: asyncpg.Pool,
    schema: str,
    ranges: Sequence[Range],
    *,
    sink: CountingSink,
    progress: Progress | None,
    batch_size: int,
) -> None:
    await _read_range(
        consumer,
        pool_or_conn=pool,
        schema=schema,
        start={TopicPartition(t, p): first for t, p, first, _ in ranges},
        end={TopicPartition(t, p): end for t, p, _, end in ranges},
        sink=sink,
        progress=progress,
        batch_size=batch_size,
    )


_done: Synchronized[int] | None = None


def _start_worker(done: Synchronized[int]) -> None:
    global _done  # noqa: PLW0603 - the worker process's one counter, set as it starts
    _done = done
    heap.settle()


@dataclass
class _SharedProgress(Progress):
    """Counts into the counter the replaying process reads, instead of drawing a bar."""

    def add(self, n: int) -> None:
        assert _done is not None  # noqa: S101 - set by the worker's initializer
        with _done.get_lock():
            _done.value += n


def _replay_share(settings: Settings, schema: str, share: Sequence[Range]) -> int:
    """A worker process: read ``share`` into ``schema``; the dead letters skipped."""
    return asyncio.run(_replay_share_async(settings, schema, share))


async def _replay_share_async(settings: Settings, schema: str, share: Sequence[Range]) -> int:
    async with reader(settings) as (pool, consumer):
        sink = CountingSink()
        progress = _SharedProgress(0, sys.stderr)
        n = settings.batch_size
        await _read_ranges(
            consumer, pool, schema, share, sink=sink, progress=progress, batch_size=n
        )
        return sink.dead


@contextlib.asynccontextmanager
async def reader(settings: Settings) -> AsyncIterator[tuple[asyncpg.Pool, AIOKafkaConsumer]]:
    """A pool and a started consumer without a group (partitions are assigned by hand)."""
    pool = await create_pool(settings)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        client_id="coordination-replay",
    )
    await consumer.start()
    try:
        yield pool, consumer
    finally:
        await consumer.stop()
        await pool.close()


async def partitions(settings: Settings) -> list[TopicPartition]:
    """Every partition of the topics the view is built from, as the broker has them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(TOPICS))
    finally:
        await admin.close()
    return sorted(
        TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]
    )


async def replay(
    settings: Settings, *, out: TextIO = sys.stderr, allow_difference: bool = False
) -> ReplayReport:
    async with reader(settings) as (pool, consumer):
        producer = None
        try:
            async with pool.acquire() as conn:
                await schemas.ensure_live_view(conn)
                new = await schemas.create_view(conn, bulk=True)
            tps = await partitions(settings)
            begins = await consumer.beginning_offsets(tps)
            ends = await consumer.end_offsets(tps)
            progress = Progress(sum(ends[tp] - begins[tp] for tp in tps), out)
            sink = CountingSink()
            out.write(f"replaying {progress.total:,} records into {new}\n")
            ranges = [(tp.topic, tp.partition, begins[tp], ends[tp]) for tp in tps]
            sink.dead += await rebuild(
                settings, consumer=consumer, pool=pool, schema=new, ranges=ranges, progress=progress
            )
            out.write("\n")
            seconds = time.monotonic() - progress.started
            async with pool.acquire() as conn:
                await conn.execute("SELECT pg_advisory_lock($1)", SWITCH_LOCK)
                try:
                    live = await schemas.live_schema(conn)
                    assert live is not None  # noqa: S101 - ensured above
                    live_at = await schemas.positions(conn, live)
                    new_at = await schemas.positions(conn, new)
                    target = {
                        tp: max(
                            live_at.get((tp.topic, tp.partition), begins[tp]),
                            new_at.get((tp.topic, tp.partition), begins[tp]),
                        )
                        for tp in tps
                    }
                    await _read_range(
                        consumer,
                        pool_or_conn=conn,
                        schema=new,
                        start={tp: new_at.get((tp.topic, tp.partition), begins[tp]) for tp in tps},
                        end=target,
                        sink=sink,
                        progress=None,
                        batch_size=settings.batch_size,
                    )
                    behind = {tp: live_at.get((tp.topic, tp.partition), begins[tp]) for tp in tps}
                    if any(behind[tp] < target[tp] for tp in tps):
                        producer = create_producer(
                            settings.kafka_bootstrap, client_id="coordination-replay"
                        )
                        await producer.start()
                        await _read_range(
                            consumer,
                            pool_or_conn=conn,
                            schema=live,
                            start=behind,
                            end=target,
                            sink=KafkaDeadLetters(producer, settings.consumer_group),
                            progress=None,
                            batch_size=settings.batch_size,
                        )
                    live_sum = await schemas.checksum(conn, live)
                    new_sum = await schemas.checksum(conn, new)
                    switched = live_sum == new_sum or allow_difference
                    if switched:
                        async with conn.transaction():
                            await schemas.switch_live(conn, new)
                            await schemas.drop_view(conn, live)
                    else:
                        await schemas.drop_view(conn, new)
                finally:
                    await conn.execute("SELECT pg_advisory_unlock($1)", SWITCH_LOCK)
            report = ReplayReport(new, progress.done, seconds, live_sum, new_sum, switched)
            out.write(
                f"replayed {report.records:,} records in {report.seconds:.1f} s "
                f"({report.rate:,.0f} records/s); {sink.dead} dead letters skipped\n"
                f"checksum live {live_sum}\nchecksum new  {new_sum}\n"
                + (f"switched to {new}\n" if switched else "checksums differ: kept the live view\n")
            )
            return report
        finally:
            if producer is not None:
                await producer.stop()
