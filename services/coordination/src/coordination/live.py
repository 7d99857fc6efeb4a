"""Live updates: one LISTEN connection per process, fanned out to every open stream and to
the page cache (which forgets its pages on every change)."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from coordination.consumer import CHANNEL
from coordination.pages import PageCache

log = logging.getLogger(__name__)


@dataclass
class ViewChanges:
    """Hands each subscriber every change the projections announce (newest kept if slow),
    and has ``pages`` forget theirs."""

    pool: asyncpg.Pool
    queue_size: int = 100
    pages: PageCache | None = None
    _subscribers: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)
    _conn: Any = None

    async def start(self) -> None:
        self._conn = await self.pool.acquire()
        await self._conn.add_listener(CHANNEL, self._notified)

    async def stop(self) -> None:
        if self._conn is not None:
            await self._conn.remove_listener(CHANNEL, self._notified)
            await self.pool.release(self._conn)
            self._conn = None

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self.queue_size)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(queue)

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if self.pages is not None:
            self.pages.forget()
        try:
            change = json.loads(payload)
        except ValueError:
            log.warning("ignoring a malformed view change notice")
            return
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)
