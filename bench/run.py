"""One benchmark run: start the processes it measures, take the baselines and the platform
figures in order, put them side by side, clean up."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from coordination.settings import Settings
from coordination.store import schema as schemas

from bench import baselines, figures, kafka, view
from bench.config import BENCH_SCHEMA, BENCH_TOPIC, ROOT, Sizes, Stack
from bench.figures import IN_FLIGHT
from bench.processes import DOMAIN, Services, groups, snapshot
from bench.report import Figure, MiB, Results
from bench.sampling import Sampler, platform_memory
from bench.workload import Templates, districts

GiB = 1024 * MiB


def say(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()


@dataclass
class Run:
    stack: Stack
    sizes: Sizes
    results: Results
    out: Path = ROOT / "var" / "bench"
    only: frozenset[str] = frozenset()

    def wants(self, key: str) -> bool:
        return not self.only or key in self.only

    async def main(self) -> Results:
        services = Services(
            self.stack,
            self.out / "logs",
            self.sizes.batch_size,
            self.sizes.replicas,
            self.sizes.traced_share,
        )
        await self._fresh_schemas()
        await kafka.create_topic(self.stack.kafka_bootstrap, BENCH_TOPIC)
        watcher = view.Watcher(self.stack.dsn("coordination"))
        prod = kafka.producer(self.stack.kafka_bootstrap)
        try:
            say("starting the benchmark's service processes")
            services.start_services()
            await services.ready()
            await watcher.start()
            await self._catch_up(watcher)
            await prod.start()
            await self._measure(services, watcher, prod)
        finally:
            say("cleaning up")
            await prod.stop()
            await watcher.stop()
            services.stop()
            await kafka.delete_topic(self.stack.kafka_bootstrap, BENCH_TOPIC)
            await self._fresh_schemas()
        return self.results

    async def _catch_up(self, watcher: view.Watcher) -> None:
        """Let the live view apply what is already on the topics before measuring."""
        ends = await kafka.end_offsets(self.stack.kafka_bootstrap)
        behind = watcher.behind(ends)
        if behind:
            say(f"the live view is {behind:,} records behind the topics; catching up first")
            started = time.monotonic()
            await watcher.wait(ends, seconds=3600)
            self.results.details["catch_up"] = {
                "records": behind,
                "seconds": round(time.monotonic() - started, 1),
            }

    async def _fresh_schemas(self) -> None:
        for service in DOMAIN:
            conn = await asyncpg.connect(self.stack.dsn(service))
            try:
                await conn.execute(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE")
            finally:
                await conn.close()

    async def _measure(
        self,
        services: Services,
        watcher: view.Watcher,
        prod: AIOKafkaProducer,
    ) -> None:
        s, r = self.sizes, self.results
        sampler = Sampler(lambda: groups(self.stack, {**services.pids(), os.getpid(): "driver"}))
        sampler.pids = sampler.find()
        stack_services = sorted({g for g in sampler.pids.values() if g.startswith("stack ")})
        r.details["stack_services_running"] = stack_services
        if "stack coordination" in stack_services:
            r.warnings.append(
                "the stack's own coordination service was running and projected the "
                "benchmark's events too (its CPU per phase: details.cpu_seconds)"
            )
        say(f"idle for {s.idle_seconds:.0f} s (P5 idle)")
        await asyncio.sleep(s.idle_seconds)
        idle = snapshot(sampler.pids)
        if self.wants("P4"):  # first: before this run's events reach the live view
            await self._reads(services)
        templates = Templates(traced=s.traced_share)
        if self.wants("B0"):
            async with sampler.phase("B0"):
                await self._b0_max()
        if self.wants("B1"):
            say("B1: raw aiokafka producer loop")
            records = templates.records(s.b1_records)
            async with sampler.phase("B1"):
                b1 = await baselines.raw_producer(self.stack, records)
            r.add(
                Figure(
                    "B1",
                    "raw aiokafka producer loop",
                    "records/s",
                    {"rate": b1},
                    notes=self._costs(sampler, "B1", len(records)),
                )
            )
        rate = s.p2_rate
        if self.wants("P1a"):
            rate = s.p2_share * await self._p1a_b2(templates, watcher, sampler)
        if self.wants("P2"):
            await self._p2(templates, prod, watcher, sampler, rate)
        if self.wants("P1b"):
            await self._p1b(services, watcher, sampler)
        if self.wants("P3"):
            await self._replay(templates, watcher, sampler)
        say(f"idle again for {s.idle_seconds:.0f} s (P5 after the run)")
        await asyncio.sleep(s.idle_seconds)
        after = snapshot(sampler.find())
        values = {"idle": platform_memory(idle) / GiB}
        if "P1a" in sampler.peak_total:
            values["load"] = sampler.peak_total["P1a"] / GiB
        values["after"] = platform_memory(after) / GiB
        r.add(
            Figure(
                "P5",
                "resident memory (PSS) of the platform: idle / under P1a load / idle after",
                "GiB",
                values,
                target="idle <= 3 GiB",
                met=max(values["idle"], values["after"]) <= 3,  # noqa: PLR2004
                notes="the servers and one process of each service (the benchmark's); "
                "per process in details.memory_*",
            )
        )
        r.details["memory_idle_mib"] = {g: round(u.memory / MiB) for g, u in idle.items()}
        r.details["memory_after_mib"] = {g: round(u.memory / MiB) for g, u in after.items()}
        r.details["memory_peak_mib"] = {
            phase: {g: round(v / MiB) for g, v in peaks.items()}
            for phase, peaks in sampler.peak.items()
        }
        r.details["cpu_seconds"] = sampler.cpu
        r.details["phase_seconds"] = {k: round(v, 2) for k, v in sampler.seconds.items()}
        r.details["settled_seconds"] = sampler.settled

    def _costs(self, sampler: Sampler, phase: str, events: int) -> str:
        """CPU per event of the busiest groups, and what the rest of the machine used."""
        cpu = sampler.cpu[phase]
        self.results.details.setdefault("cpu_us_per_event", {})[phase] = {
            g: round(v / events * 1e6, 1) for g, v in cpu.items()
        }
        top = sorted(((v, g) for g, v in cpu.items() if g != "other"), reverse=True)[:3]
        parts = [f"{g} {v / events * 1e6:.0f} µs" for v, g in top]
        return (
            "CPU per event: "
            + ", ".join(parts)
            + f"; rest of the machine busy {sampler.share(phase, 'other'):.1f} cores"
        )

    async def _b0_max(self) -> None:
        s = self.sizes
        say(f"B0: Kafka ProducerPerformance, {s.b0_records:,} records at the maximum rate")
        b0 = await baselines.producer_performance(
            self.stack, s.b0_records, s.record_bytes, None, self.out / "logs" / "b0-max.log"
        )
        self.results.add(
            Figure(
                "B0",
                "Kafka ProducerPerformance, max rate",
                "records/s",
                {"rate": b0.rate},
                notes=f"{s.b0_records:,} records of {s.record_bytes} B",
            )
        )

    async def _p1a_b2(
        self,
        templates: Templates,
        watcher: view.Watcher,
        sampler: Sampler,
    ) -> float:
        s, r = self.sizes, self.results
        say(f"building {s.p1a_events:,} events")
        records = templates.records(s.p1a_events)
        say(f"P1a: {len(records):,} events onto the area topics -> view")
        before = await kafka.end_offsets(self.stack.kafka_bootstrap)
        async with sampler.phase("P1a", memory=True):
            t1a = await figures.p1a(self.stack.kafka_bootstrap, watcher, records)
        after = await kafka.end_offsets(self.stack.kafka_bootstrap)
        del records
        say("B2: raw aiokafka consumer -> PostgreSQL COPY, offsets in the transaction")
        async with sampler.phase("B2"):
            b2_n, b2 = await baselines.raw_consumer(self.stack, before, after, s.batch_size)
        r.add(
            Figure(
                "B2",
                "raw consumer -> PostgreSQL (COPY + offsets)",
                "events/s",
                {"rate": b2},
                notes=f"{b2_n:,} records (P1a's); " + self._costs(sampler, "B2", b2_n),
            )
        )
        r.add(
            Figure(
                "P1a",
                "topics -> coordination view, sustained",
                "events/s",
                {"rate": t1a.rate},
                baseline="B2",
                target=">= 10,000/s and >= 0.5 x B2",
                met=t1a.rate >= 10_000 and t1a.rate >= 0.5 * b2,  # noqa: PLR2004
                notes=f"{t1a.events:,} events, {s.traced_share:.0%} traced; published in "
                f"{t1a.published_seconds:.1f} s, in view after {t1a.seconds:.1f} s; "
                + self._costs(sampler, "P1a", t1a.events),
            )
        )
        await self._p1a_all(templates, watcher, sampler)
        return t1a.rate

    async def _p1a_all(self, templates: Templates, watcher: view.Watcher, sampler: Sampler) -> None:
        """P1a again with every event traced, as the local stack traces them."""
        s = self.sizes
        records = templates.records(s.p1a_all_events, traced=1.0)
        say(f"P1a-all: {len(records):,} events, every one traced")
        async with sampler.phase("P1a-all"):
            t = await figures.p1a(self.stack.kafka_bootstrap, watcher, records)
        self.results.add(
            Figure(
                "P1a-all",
                "topics -> view, every event traced (the local stack's setting)",
                "events/s",
                {"rate": t.rate},
                baseline="B2",
                notes=f"{t.events:,} events; " + self._costs(sampler, "P1a-all", t.events),
            )
        )

    async def _p2(
        self,
        templates: Templates,
        prod: AIOKafkaProducer,
        watcher: view.Watcher,
        sampler: Sampler,
        rate: float,
    ) -> None:
        s, r = self.sizes, self.results
        seconds = min(s.p2_seconds, 30.0)
        say(f"B0: ProducerPerformance at {rate:,.0f} records/s for {seconds:.0f} s")
        b0 = await baselines.producer_performance(
            self.stack,
            int(rate * seconds),
            s.record_bytes,
            rate,
            self.out / "logs" / "b0-latency.log",
        )
        r.add(
            Figure(
                "B0-lat",
                f"Kafka send->ack latency at {rate:,.0f}/s",
                "ms",
                {"p50": b0.p50_ms, "p99": b0.p99_ms, "p99.9": b0.p999_ms},
            )
        )
        say(f"P2: {rate:,.0f} events/s open loop for {s.p2_seconds:.0f} s")
        async with sampler.phase("P2"):
            lat, n = await figures.p2(prod, watcher, templates.stream(), rate, s.p2_seconds)
        r.add(
            Figure(
                "P2",
                f"publish -> view latency at {rate:,.0f}/s",
                "ms",
                lat,
                baseline="B0-lat",
                target="p99 <= 100 ms",
                met=lat["p99"] <= 100,  # noqa: PLR2004
                notes=f"{n:,} events over {s.p2_seconds:.0f} s ({s.p2_share:.0%} of P1a)",
            )
        )

    async def _p1b(self, services: Services, watcher: view.Watcher, sampler: Sampler) -> None:
        s, r = self.sizes, self.results
        say(f"P1b: {s.p1b_events:,} events through the ingestion API in batches")
        writers = districts()[: s.http_clients]
        async with sampler.phase("P1b"):
            t1b, ingest = await figures.p1b(
                self.stack,
                watcher,
                services.running["prevention"].url,
                districts=writers,
                events=s.p1b_events,
                batch=s.http_batch,
            )
        r.add(
            Figure(
                "P1b",
                "HTTP ingestion (batches, verified tokens) -> view",
                "events/s",
                {"rate": t1b.rate},
                baseline="B1",
                target=">= 2,000/s",
                met=t1b.rate >= 2000,  # noqa: PLR2004
                notes=f"{t1b.events:,} events, {len(writers)} clients x {s.http_batch}/batch; "
                f"HTTP accepted {ingest:,.0f}/s; outbox published after "
                f"{t1b.published_seconds:.1f} s, in view after {t1b.seconds:.1f} s",
            )
        )

    async def _replay(self, templates: Templates, watcher: view.Watcher, sampler: Sampler) -> None:
        """P3 over the newest ``p3_events`` records on the topics, topped up when fewer (and
        the top-up applied by the live view first, so that the replay has the machine)."""
        s, r = self.sizes, self.results
        bootstrap = self.stack.kafka_bootstrap
        begins = await kafka.end_offsets(bootstrap, beginning=True)
        end = await kafka.end_offsets(bootstrap)
        missing = s.p3_events - sum(n - begins.get(k, 0) for k, n in end.items())
        if missing > 0:
            say(f"P3: topping up with {missing:,} events")
            await kafka.send_fast(bootstrap, templates.records(missing))
            end = await kafka.end_offsets(bootstrap)
            say("P3: waiting for the live view to apply them")
            await watcher.wait(end, seconds=1800)
        start = kafka.newest(begins, end, s.p3_events)
        say("P3: replay into a fresh view")
        settings = Settings(
            database_port=self.stack.pg_port,
            kafka_bootstrap=bootstrap,
            keycloak_issuer=self.stack.issuer,
            batch_size=s.batch_size,
        )
        async with sampler.phase("P3"):
            n, seconds = await figures.p3(settings, start, end)
        rate = n / seconds
        r.add(
            Figure(
                "P3",
                "replay into a fresh view",
                "events/s",
                {"rate": rate},
                baseline="B2",
                target=">= 20,000/s",
                met=rate >= 20_000,  # noqa: PLR2004
                notes=f"the newest {n:,} records in {seconds:.1f} s; "
                + self._costs(sampler, "P3", n),
            )
        )

    async def _reads(self, services: Services) -> None:
        s, r = self.sizes, self.results
        conn = await asyncpg.connect(self.stack.dsn("coordination"))
        try:
            live = await schemas.live_schema(conn)
            r.details["live_view_rows"] = await view.sizes(conn, live) if live else {}
        finally:
            await conn.close()
        urls = [p.url for n, p in services.running.items() if n.startswith("coordination")]
        for rate in s.p4_rates:
            say(f"P4: read API at {rate} requests/s for {s.p4_seconds:.0f} s")
            lat = await figures.p4(self.stack, urls, rate, s.p4_seconds)
            lost = int(lat["failed"] + lat["dropped"])
            sustained = lost <= 0.01 * lat["requests"]
            met = lat["p99"] <= 50 and sustained if rate == 200 else None  # noqa: PLR2004
            r.add(
                Figure(
                    f"P4@{rate}",
                    f"read API latency at {rate} requests/s",
                    "ms",
                    {"p50": lat["p50"], "p99": lat["p99"]},
                    target="p99 <= 50 ms at 200/s" if rate == 200 else None,  # noqa: PLR2004
                    met=met,
                    notes=f"mean {lat['mean']:.1f} ms; of {int(lat['requests']):,} requests "
                    f"{int(lat['failed'])} failed, {int(lat['dropped'])} not sent "
                    f"({IN_FLIGHT} already waiting)",
                )
            )


def sizes_dict(sizes: Sizes) -> dict[str, object]:
    return asdict(sizes)


def run(
    sizes: Sizes, mode: str, out: Path | None = None, only: frozenset[str] = frozenset()
) -> Results:
    results = Results(mode=mode, sizes=sizes_dict(sizes))
    bench = Run(Stack(), sizes, results, out or ROOT / "var" / "bench", only)
    return asyncio.run(bench.main())
