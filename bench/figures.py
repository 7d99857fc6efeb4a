"""The platform figures: throughput into the view (P1a straight onto the topics, P1b through
the ingestion API), publish-to-view latency at a fixed rate (P2), replay (P3), read API
latency (P4). Memory (P5) is sampled by the run around them."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import aiohttp
import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from coordination.replay import Progress, reader, rebuild
from coordination.settings import Settings
from coordination.store import schema as schemas

from bench.config import BENCH_SCHEMA, Stack
from bench.kafka import Offsets, end_offsets, send_fast, send_paced
from bench.sampling import machine_busy
from bench.view import Watcher
from bench.workload import HttpBatches, Prepared

BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"


def percentiles(samples: Sequence[float], *points: float) -> dict[str, float]:
    """Nearest-rank percentiles, e.g. ``percentiles(xs, 50, 99)`` -> {"p50": .., "p99": ..}."""
    ordered = sorted(samples)
    out = {}
    for point in points:
        rank = max(0, min(len(ordered) - 1, round(point / 100 * len(ordered) + 0.5) - 1))
        out[f"p{point:g}"] = ordered[rank]
    return out


@dataclass(frozen=True)
class Throughput:
    events: int
    seconds: float
    published_seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def p1a(bootstrap: str, watcher: Watcher, records: list[Prepared]) -> Throughput:
    """Publish as fast as the load generator can; done when the last is in the view."""
    started = time.monotonic()
    nexts = await send_fast(bootstrap, records)
    published = time.monotonic()
    seen = await watcher.wait(nexts, seconds=1800)
    return Throughput(len(records), seen - started, published - started)


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The load generator's cyclic garbage collector off while it times, as ``timeit`` does:
    its full collections over the sends in flight (70-180 ms, longer as a run went on) held
    up the acknowledgements and the change notices it timestamps, and were counted as the
    platform's latency (P2's every spike over 100 ms at 3,700/s was one of them)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def p2(
    prod: AIOKafkaProducer,
    watcher: Watcher,
    stream: Iterator[Prepared],
    rate: float,
    seconds: float,
) -> tuple[dict[str, float], int]:
    """Open-loop publishing at ``rate``; publish-to-view latency of every record, in ms."""
    with collector_off():
        sent = await send_paced(prod, stream, rate, seconds)
        target: Offsets = {}
        for s in sent:
            key = (s.topic, s.partition)
            target[key] = max(target.get(key, 0), s.offset + 1)
        await watcher.wait(target, seconds=600)
    latencies = [(watcher.visible((s.topic, s.partition), s.offset) - s.due) * 1000 for s in sent]
    return percentiles(latencies, 50, 99, 99.9), len(sent)


async def token(stack: Stack, http: httpx.AsyncClient, org: str) -> str:
    """A client-credentials token of an organisation's machine client (development secrets)."""
    form = {
        "grant_type": "client_credentials",
        "client_id": f"org-{org}",
        "client_secret": f"dev-{org}-secret",
    }
    response = await http.post(stack.token_url, data=form)
    response.raise_for_status()
    access: str = response.json()["access_token"]
    return access


async def _outbox_empty(dsn: str, seconds: float) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + seconds
        while await conn.fetchval(
            f"SELECT count(*) FROM {BENCH_SCHEMA}.outbox WHERE published_at IS NULL"  # noqa: S608 - fixed name
        ):
            if time.monotonic() > deadline:
                raise TimeoutError("the outbox relay did not catch up")
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


async def p1b(  # noqa: PLR0913 - one figure's knobs
    stack: Stack,
    watcher: Watcher,
    url: str,
    *,
    districts: Sequence[str],
    events: int,
    batch: int,
) -> tuple[Throughput, float]:
    """Batches of prevention activities posted with each district's token by one client per
    district; done when the last is in the view. Also the ingestion rate alone."""
    async with httpx.AsyncClient(timeout=60) as http:
        tokens = {d: await token(stack, http, d) for d in districts}
        bodies = {d: HttpBatches(d, batch) for d in districts}
        per_client = max(1, events // (batch * len(districts)))
        await _post(http, url, tokens[districts[0]], bodies[districts[0]].batch())  # warm

        async def client(district: str) -> None:
            for _ in range(per_client):
                await _post(http, url, tokens[district], bodies[district].batch())

        started = time.monotonic()
        await asyncio.gather(*(client(d) for d in districts))
        accepted = time.monotonic()
    total = per_client * batch * len(districts)
    await _outbox_empty(stack.dsn("prevention"), 600)
    published = time.monotonic()
    target = await end_offsets(stack.kafka_bootstrap, ["samverkan.prevention.v1"])
    seen = await watcher.wait(target, seconds=600)
    return Throughput(total, seen - started, published - started), total / (accepted - started)


async def _post(http: httpx.AsyncClient, url: str, access: str, body: bytes) -> None:
    response = await http.post(
        f"{url}/events",
        content=body,
        headers={"Authorization": f"Bearer {access}", "Content-Type": BATCH_CONTENT_TYPE},
    )
    if response.status_code != 202:  # noqa: PLR2004
        raise RuntimeError(f"ingestion answered {response.status_code}: {response.text[:300]}")


async def p3(settings: Settings, start: Offsets, end: Offsets) -> tuple[int, float]:
    """Replay ``start``..``end`` into a fresh view as ``python -m coordination replay`` does
    (its ``rebuild``: the erasures first, then the area topics in ``replay_workers``
    processes), without switching to it; the records and seconds."""
    async with reader(settings) as (pool, consumer):
        async with pool.acquire() as conn:
            view = await schemas.create_view(conn, bulk=True)
        ranges = [(t, p, start.get((t, p), 0), n) for (t, p), n in sorted(end.items())]
        progress = Progress(sum(n - first for _, _, first, n in ranges), sys.stderr)
        await rebuild(
            settings, consumer=consumer, pool=pool, schema=view, ranges=ranges, progress=progress
        )
        seconds = time.monotonic() - progress.started
        sys.stderr.write("\n")
        async with pool.acquire() as conn:
            await schemas.drop_view(conn, view)
        return progress.done, seconds


READS = ("overview", "referrals", "consultations", "alerts")
#: Requests waiting at once before the open loop counts further ones as not sent.
IN_FLIGHT = 64


async def p4(
    stack: Stack,
    urls: Sequence[str],
    rate: float,
    seconds: float,
    orgs: Sequence[str] = ("kista", "socialtjanst"),
) -> dict[str, float]:
    """Open-loop GETs at ``rate`` over the view's pages, with a district's and the central
    unit's tokens in turn, each to one of the replicas' ``urls`` picked at random (as a
    Kubernetes Service spreads them); latency from the due time, in ms.

    A request due while ``IN_FLIGHT`` others still wait is not sent but counted as dropped
    (the API did not sustain the rate), so a saturated API ends the phase on time. The
    requests go through aiohttp, which costs the shared cores a twentieth of what httpx did;
    ``driver_cores`` and ``machine_cores`` tell what the load generator and the whole machine
    kept busy while the phase ran."""
    async with httpx.AsyncClient(timeout=60) as auth:
        tokens = [await token(stack, auth, o) for o in orgs]
    pick = random.Random(4)  # noqa: S311 - spreading load, as kube-proxy does
    plan = ((read, pick.choice(urls)) for read in itertools.cycle(itertools.product(READS, tokens)))
    latencies: list[float] = []
    failed = dropped = in_flight = 0
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as http:

        async def one(target: tuple[tuple[str, str], str], due: float) -> None:
            (path, access), url = target
            nonlocal failed, dropped, in_flight
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if in_flight >= IN_FLIGHT:
                dropped += 1
                return
            in_flight += 1
            try:
                async with http.get(
                    f"{url}/{path}", headers={"Authorization": f"Bearer {access}"}
                ) as response:
                    await response.read()
                latencies.append((time.monotonic() - due) * 1000)
                failed += response.status != 200  # noqa: PLR2004
            except (aiohttp.ClientError, TimeoutError):
                failed += 1
            finally:
                in_flight -= 1

        for target in itertools.islice(plan, 8 * len(urls)):  # warm connections and caches
            await one(target, time.monotonic())
        latencies.clear()
        start = time.monotonic() + 0.1
        count = int(rate * seconds)
        cpu, busy = time.process_time(), machine_busy()
        with collector_off():
            tasks = [
                asyncio.create_task(one(target, start + i / rate))
                for i, target in zip(range(count), plan, strict=False)
            ]
            await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
        cpu, busy = time.process_time() - cpu, machine_busy() - busy
    result = percentiles(latencies or [float("nan")], 50, 99)
    result["mean"] = statistics.fmean(latencies) if latencies else float("nan")
    result["failed"] = failed
    result["dropped"] = dropped
    result["requests"] = count
    result["driver_cores"] = cpu / elapsed
    result["machine_cores"] = busy / elapsed
    return result
