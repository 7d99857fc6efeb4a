"""When records become visible in the live view: a watcher on the coordination service's own
change notifications, reading the view's positions after each.

The service NOTIFYs ``coordination_view`` in the transaction of every batch that applied
something, so the notification arrives when the batch commits. The watcher then reads the
positions and records them at the time of the newest notification it has seen: a record
counts as visible at the latest moment its batch can have committed (a batch committing
between that notification and the read is counted a little early; the error is at most the
read's own few milliseconds). Without notifications it reads once a second.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import asyncpg
from coordination.consumer import CHANNEL
from coordination.store import schema as schemas

from bench.kafka import Offsets


@dataclass
class Watcher:
    """Follows the live view: for each partition, the times at which its position moved."""

    dsn: str
    steps: dict[tuple[str, int], tuple[list[int], list[float]]] = field(default_factory=dict)
    latest: dict[tuple[str, int], int] = field(default_factory=dict)
    _notified_at: float = 0.0
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _listener: asyncpg.Connection | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._listener = await asyncpg.connect(self.dsn)
        await self._listener.add_listener(CHANNEL, self._notified)
        reader = await asyncpg.connect(self.dsn)
        await self._read(reader, time.monotonic())
        self._task = asyncio.create_task(self._follow(reader))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._listener is not None:
            await self._listener.close()

    def _notified(self, *_: object) -> None:
        self._notified_at = time.monotonic()
        self._wake.set()

    async def _follow(self, reader: asyncpg.Connection) -> None:
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                self._wake.clear()
                await self._read(reader, max(self._notified_at, 0.0) or time.monotonic())
        finally:
            await reader.close()

    async def _read(self, reader: asyncpg.Connection, seen: float) -> None:
        live = await schemas.live_schema(reader)
        if live is None:
            return
        for tp, nxt in (await schemas.positions(reader, live)).items():
            if nxt > self.latest.get(tp, -1):
                self.latest[tp] = nxt
                offsets, times = self.steps.setdefault(tp, ([], []))
                offsets.append(nxt)
                times.append(seen)
        self._changed.set()

    def reached(self, target: Mapping[tuple[str, int], int]) -> bool:
        return all(self.latest.get(tp, 0) >= n for tp, n in target.items() if n > 0)

    async def wait(self, target: Mapping[tuple[str, int], int], seconds: float) -> float:
        """Wait until every partition's position is at least ``target``; the time it was."""
        deadline = time.monotonic() + seconds
        while not self.reached(target):
            self._changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the view did not reach the target within {seconds:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return max(
            (self.visible(tp, n - 1) for tp, n in target.items() if n > 0), default=time.monotonic()
        )

    def visible(self, tp: tuple[str, int], offset: int) -> float:
        """When the record at ``offset`` became visible (its batch committed)."""
        offsets, times = self.steps[tp]
        return times[bisect.bisect_right(offsets, offset)]

    def behind(self, ends: Offsets) -> int:
        """Records on the topics the view has not applied yet."""
        return sum(max(0, n - self.latest.get(tp, 0)) for tp, n in ends.items())


async def sizes(conn: asyncpg.Connection, view: str) -> dict[str, int]:
    """Rows in the view's larger tables (what read latency depends on)."""
    tables = ("applied_events", "steps", "referrals", "consultations", "contacts", "cases")
    return {
        t: await conn.fetchval(schemas.q(f"SELECT count(*) FROM {{s}}.{t}", view))  # noqa: S608 - fixed names
        for t in tables
    }
