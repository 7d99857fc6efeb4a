"""What the processes of a run cost while a phase runs: CPU seconds per group of processes
(and for the rest of the machine), peak resident memory where asked."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import Usage, snapshot

SERVERS = ("postgres", "kafka", "keycloak", "zipkin")


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, every process)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(f) for f in fields[:8]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


async def quiet(cores: float = 0.5, longest: float = 60.0) -> float:
    """Wait until the whole machine keeps fewer than ``cores`` busy over a second, at most
    ``longest`` seconds; the seconds waited. What a phase left behind (Zipkin storing the
    spans of every event traced, autovacuum of the tables it filled, the live view applying
    a top-up) then no longer counts in the next phase's figure. The idle stack keeps about
    0.2 cores busy (replicas and Kafka polling, the servers' timers)."""
    started = time.monotonic()
    while time.monotonic() - started < longest:
        busy = machine_busy()
        await asyncio.sleep(1.0)
        if machine_busy() - busy < cores:
            break
    return round(time.monotonic() - started, 1)


@dataclass
class Sampler:
    """The CPU seconds each group of processes used in a phase (``other``: the rest of the
    machine), and where asked the peak memory (sampled every second).

    The processes are found again at both ends of a phase, and a process's CPU includes its
    ended children's, so PostgreSQL's backends count whether they live through the phase,
    start in it or end in it (the postmaster collects what ended ones used)."""

    find: Callable[[], dict[int, str]]
    pids: dict[int, str] = field(default_factory=dict)
    peak: dict[str, dict[str, int]] = field(default_factory=dict)
    peak_total: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    #: Seconds each phase waited for the machine to be quiet before it started.
    settled: dict[str, float] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def phase(self, name: str, *, memory: bool = False) -> AsyncIterator[None]:
        """Account a phase, once the machine is quiet (:func:`quiet`); ``memory``: also
        sample memory (reading every process's smaps costs CPU, so only where the peak is
        wanted)."""
        self.settled[name] = await quiet()
        self.pids = self.find()
        before, busy = snapshot(self.pids, memory_too=False), machine_busy()
        started = time.monotonic()
        task = asyncio.create_task(self._sample(name) if memory else asyncio.sleep(0))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.pids = self.find()
            after, busy = snapshot(self.pids, memory_too=False), machine_busy() - busy
            self.seconds[name] = time.monotonic() - started
            used = {g: u.cpu - before[g].cpu if g in before else 0.0 for g, u in after.items()}
            used["other"] = max(0.0, busy - sum(used.values()))
            self.cpu[name] = {g: round(v, 2) for g, v in used.items()}

    def share(self, name: str, group: str) -> float:
        """Cores ``group`` kept busy on average during the phase."""
        return self.cpu[name].get(group, 0.0) / self.seconds[name]

    async def _sample(self, name: str) -> None:
        peak = self.peak.setdefault(name, {})
        while True:
            now = snapshot(self.pids)
            for group, u in now.items():
                peak[group] = max(peak.get(group, 0), u.memory)
            self.peak_total[name] = max(self.peak_total.get(name, 0), platform_memory(now))
            await asyncio.sleep(1.0)


def platform_memory(usage: dict[str, Usage]) -> int:
    """The stack's servers and one process of each service (the benchmark's own)."""
    return sum(u.memory for g, u in usage.items() if g in SERVERS or g.startswith("bench "))
