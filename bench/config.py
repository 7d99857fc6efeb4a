"""Where the stack listens (the variables and defaults of deploy/local/lib.sh) and how big a
run is: ``Sizes.full()`` for ``make bench``, ``Sizes.quick()`` for ``make bench-quick``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: This run's own names: runs on one stack at once (a test's tiny run beside make bench)
#: never share a topic, consumer group or schema.
_RUN = os.getpid()
#: The topic the raw producer baselines (B0, B1) write to; made and deleted by the run.
BENCH_TOPIC = f"samverkan.bench.{_RUN}.v1"
#: The consumer group of the benchmark's coordination process (it seeks to the view's
#: stored positions, so the group only keeps runs apart).
BENCH_GROUP = f"samverkan-bench-{_RUN}"
#: The schema the benchmark's domain services keep their tables in (made and dropped).
BENCH_SCHEMA = f"bench_{_RUN}"
#: The schema of the raw consumer baseline (B2).
RAW_SCHEMA = f"bench_raw_{_RUN}"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Stack:
    """The local stack's ports (export PG_PORT etc. as for ``make up``)."""

    pg_port: int = field(default_factory=lambda: _port("PG_PORT", 55432))
    kafka_port: int = field(default_factory=lambda: _port("KAFKA_PORT", 19092))
    keycloak_port: int = field(default_factory=lambda: _port("KEYCLOAK_PORT", 18080))
    zipkin_port: int = field(default_factory=lambda: _port("ZIPKIN_PORT", 9411))
    #: First of the ports the benchmark's own service processes listen on (0: free ports
    #: picked at random, so that runs on several stacks of one machine never meet).
    bench_port: int = field(default_factory=lambda: _port("BENCH_PORT", 0))

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.keycloak_port}/realms/samverkan"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    def dsn(self, service: str) -> str:
        """Development-only credentials of the local stack (deploy/local/lib.sh)."""
        return f"postgresql://samverkan:samverkan-dev@127.0.0.1:{self.pg_port}/samverkan_{service}"

    def service_env(self, service: str, traced_share: float = 1.0) -> dict[str, str]:
        """A service's settings on this stack, its spans sent to the stack's Zipkin as
        ``make up`` sends them (tracing is part of what is measured), traces it starts
        sampled at ``traced_share`` (others' sampling decisions followed)."""
        prefix = service.upper()
        return {
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": str(traced_share),
            f"{prefix}_DATABASE_PORT": str(self.pg_port),
            f"{prefix}_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            f"{prefix}_KEYCLOAK_ISSUER": self.issuer,
            "OTEL_TRACES_EXPORTER": "zipkin",
            "OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"http://127.0.0.1:{self.zipkin_port}/api/v2/spans",
        }


@dataclass(frozen=True)
class Sizes:
    """How much each figure sends or how long it runs."""

    b0_records: int = 500_000
    record_bytes: int = 600  # about one platform record: 220 B data, 380 B ce_ headers
    b1_records: int = 300_000
    p1a_events: int = 400_000
    p1b_events: int = 30_000
    http_batch: int = 250
    http_clients: int = 8
    p2_seconds: float = 60.0
    p2_share: float = 0.25
    p2_rate: float = 2500.0  # used only when P1a is not measured in the run (--only)
    p3_events: int = 1_000_000
    p4_rates: tuple[int, ...] = (50, 100, 200, 400)
    p4_seconds: float = 20.0
    idle_seconds: float = 10.0
    batch_size: int = 2000  # the coordination service's default (COORDINATION_BATCH_SIZE)
    #: Share of events traced, as a deployment at these rates samples at its edge: the load
    #: generator marks this share of its records' trace contexts sampled, and the services
    #: sample traces they start at the same ratio (OTEL_TRACES_SAMPLER=parentbased_traceidratio).
    traced_share: float = 0.01
    #: Events of P1a-all, P1a again with every event traced (the local stack's setting).
    p1a_all_events: int = 100_000
    replicas: int = 2  # coordination processes (one consumer group), one per core

    @classmethod
    def full(cls) -> Sizes:
        return cls()

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            b0_records=60_000,
            b1_records=40_000,
            p1a_events=40_000,
            p1a_all_events=10_000,
            p1b_events=6_000,
            p2_seconds=15.0,
            p3_events=60_000,
            p4_rates=(50, 200),
            p4_seconds=6.0,
            idle_seconds=3.0,
        )

    def with_overrides(self, values: dict[str, Any]) -> Sizes:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in values.items() if k in known and v is not None})
