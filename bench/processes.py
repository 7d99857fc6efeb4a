"""The benchmark's own service processes, and what every process of the stack costs.

The benchmark starts the services it measures from this checkout, on free ports (or
``BENCH_PORT`` and up), so that the figures are those of the current code whatever the
stack's services were started with: the four domain services, each in a database schema of
its own (``bench_<pid>``, dropped after the run), the coordination service as deployed (query
API and projection consumer in one process) with a consumer group of its own, and the
dashboard in front of it (idle; it counts in the platform's memory). ``replicas`` coordination
processes share the consumer group's partitions, as replicas of a deployment do. They use the
stack's PostgreSQL, Kafka and Keycloak, and the coordination service keeps the live view,
as the stack's own does.

Resident memory and CPU time come from ``/proc``; each process is put in a group (a server
of the stack, a stack service, or one of the benchmark's own).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.config import BENCH_GROUP, BENCH_SCHEMA, ROOT, Stack

DOMAIN = ("prevention", "outreach", "treatment", "trafficking")
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_LOWEST_PORT = 20000  # of those free_ports tries (below: well-known and registered services)


@dataclass
class Spawned:
    name: str
    port: int | None
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Services:
    """Starts and stops the benchmark's processes; logs go to ``logs``."""

    stack: Stack
    logs: Path
    batch_size: int
    replicas: int = 1
    traced_share: float = 1.0
    running: dict[str, Spawned] = field(default_factory=dict)

    def spawn(self, name: str, args: list[str], env: Mapping[str, str], port: int | None) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
                [sys.executable, "-m", *args],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.running[name] = Spawned(name, port, process)

    def start_services(self) -> None:
        base = self.stack.bench_port
        n = 5 + self.replicas
        ports = [base + i for i in range(n)] if base else free_ports(n)
        dashboard, *domain = ports[:5]
        coordination, *more = ports[5:]
        for service, port in zip(DOMAIN, domain, strict=True):
            prefix = service.upper()
            env = {
                **self.stack.service_env(service, self.traced_share),
                f"{prefix}_HTTP_PORT": str(port),
                f"{prefix}_DATABASE_SCHEMA": BENCH_SCHEMA,
            }
            self.spawn(service, [service], env, port)
        env = {
            **self.stack.service_env("coordination", self.traced_share),
            "COORDINATION_HTTP_PORT": str(coordination),
            "COORDINATION_CONSUMER_GROUP": BENCH_GROUP,
            "COORDINATION_BATCH_SIZE": str(self.batch_size),
        }
        self.spawn("coordination", ["coordination", "serve"], env, coordination)
        for i, port in enumerate(more, start=2):  # replicas: the same group shares partitions
            env = env | {"COORDINATION_HTTP_PORT": str(port)}
            self.spawn(f"coordination-{i}", ["coordination", "serve"], env, port)
        env = {
            "DASHBOARD_HTTP_PORT": str(dashboard),
            "DASHBOARD_COORDINATION_URL": f"http://127.0.0.1:{coordination}",
            "DASHBOARD_KEYCLOAK_ISSUER": self.stack.issuer,
        }
        self.spawn("dashboard", ["dashboard"], env, dashboard)

    async def ready(self, seconds: float = 120.0) -> None:
        """Wait until every service answers ``/health/ready``."""
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(timeout=2) as http:
            for s in self.running.values():
                while s.port is not None:
                    if s.process.poll() is not None:
                        raise RuntimeError(self._why(s.name, "exited"))
                    try:
                        if (await http.get(f"{s.url}/health/ready")).status_code == 200:  # noqa: PLR2004
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError(self._why(s.name, "not ready"))
                    await asyncio.sleep(0.5)

    def _why(self, name: str, what: str) -> str:
        """``what`` happened to ``name``, with the end of its log (the log may be gone by the
        time anyone reads the error: CI keeps only what the run printed)."""
        log = self.logs / f"{name}.log"
        try:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        except OSError as e:
            tail = f"(no log: {e})"
        return f"{name} {what}; the end of {log}:\n{tail}"

    def stop(self, name: str | None = None) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL after 30 s."""
        names = [name] if name else list(self.running)
        for n in names:
            self.running[n].process.terminate()
        for n in names:
            try:
                self.running[n].process.wait(30)
            except subprocess.TimeoutExpired:
                self.running[n].process.kill()
                self.running[n].process.wait()
            del self.running[n]

    def pids(self) -> dict[int, str]:
        return {s.process.pid: f"bench {s.name.split('-')[0]}" for s in self.running.values()}


def free_ports(n: int) -> list[int]:
    """``n`` different ports nothing listens on now, from below the range the system hands
    out to outgoing connections (services make many as they start, and one could take a port
    before its service binds it). The probes stay bound until all ``n`` are found."""
    first_outgoing = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    found: list[int] = []
    with contextlib.ExitStack() as probes:
        for port in random.sample(range(_LOWEST_PORT, first_outgoing), k=200):
            probe = probes.enter_context(socket.socket())
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            found.append(port)
            if len(found) == n:
                return found
    raise RuntimeError(f"found only {len(found)} of {n} free ports")


# --- what processes cost ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Usage:
    memory: int  # bytes resident: the proportional set size (shared pages divided among sharers)
    cpu: float  # seconds of CPU since the process started, its ended children's included


def _resident(pid: int) -> int:
    """PSS, so that PostgreSQL's shared buffers count once across its backends (RSS where
    smaps_rollup is missing)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE


def usage(pid: int, *, memory_too: bool = True) -> Usage | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        memory = _resident(pid) if memory_too else 0
        own, children = int(stat[11]) + int(stat[12]), int(stat[13]) + int(stat[14])
        return Usage(memory, (own + children) / _TICK)
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def _stack_group(cmd: str, pg_port: int) -> str | None:
    root = str(ROOT)
    if f"-p {pg_port}" in cmd and "/postgres" in cmd and " -D " in cmd:
        return "postgres"
    if root not in cmd:
        return None
    for marker, group in (
        ("kafka.Kafka ", "kafka"),
        ("-Dkc.home.dir=", "keycloak"),
        ("zipkin-server", "zipkin"),
    ):
        if marker in cmd:
            return group
    for service in (*DOMAIN, "coordination", "dashboard"):
        if f" -m {service}" in cmd:
            return f"stack {service}"
    return None


def groups(stack: Stack, own: Mapping[int, str]) -> dict[int, str]:
    """Every process of the stack and of the benchmark, by pid: its group's name.

    PostgreSQL's backends are the postmaster's children; a service's ``uv run`` launcher
    counts with the service.
    """
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid in own:
            found[pid] = own[pid]
        elif (group := _stack_group(_cmdline(pid), stack.pg_port)) is not None:
            found[pid] = group
    postmasters = {p for p, g in found.items() if g == "postgres" and _parent(p) not in found}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(int(entry.name)) in postmasters:
            found[int(entry.name)] = "postgres"
    return found


def snapshot(pids: Mapping[int, str], *, memory_too: bool = True) -> dict[str, Usage]:
    """Resident memory (unless not wanted: it costs more to read) and CPU time per group."""
    memory: dict[str, int] = {}
    cpu: dict[str, float] = {}
    for pid, group in pids.items():
        u = usage(pid, memory_too=memory_too)
        if u is not None:
            memory[group] = memory.get(group, 0) + u.memory
            cpu[group] = cpu.get(group, 0.0) + u.cpu
    return {g: Usage(memory[g], cpu[g]) for g in memory}
