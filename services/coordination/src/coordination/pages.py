"""Rendered pages of the view's unaudited reads (overview, referrals board, consultation
queue, alerts without subject references), kept for a moment per caller scope.

A page is kept under everything it depends on: the read and its query parameters, and the
caller's organisation and realm roles (all that the access rules look at), so a page is
only ever served to callers who would be shown exactly that page. Every change notice of
the view (``ViewChanges``: one per applied batch, from any replica) forgets every page,
whatever districts it names: a page also depends on rows by organisation (a referral's
sender and receiver), which need not be the districts the notice names. ``seconds`` bounds
the rest: changes that send no notice (a replay's switch-over, a lost LISTEN connection)
and what a page computes from the clock (hours waiting, overdue, ``as_of``).

Callers asking for a page that is being rendered wait for that rendering rather than
starting their own; a rendering that began before a change notice is handed to its waiters
but not kept. Each page is kept for a random three quarters to all of ``seconds``, so that
pages rendered together (at start, after a notice) are not all rendered again at once: the
event loop would serve nothing else meanwhile.

A request that says ``Cache-Control: no-cache`` (a client that must see a change it was
told about, which may have reached another replica's notices first) gets a page rendered
for it, which is then kept for the others.

Audited reads never come here: each of them must be read, and logged, anew.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from fastapi.responses import Response

from samverkan_common.auth import Principal

Key = tuple[Hashable, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered answer: the body and its media type."""

    body: bytes
    media_type: str

    def response(self) -> Response:
        return Response(self.body, media_type=self.media_type)


def page_key(principal: Principal, read: str, *parameters: Hashable) -> Key:
    """What a page depends on: the read, its parameters and the caller's scope."""
    return (read, parameters, principal.organisation, principal.realm_roles)


class PageCache:
    """Pages by key, each kept ``seconds`` at most (0: none kept), ``max_bytes`` of bodies in
    all at most (the oldest go first; a larger page is not kept)."""

    def __init__(
        self, seconds: float, max_bytes: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds = seconds
        self._max_bytes = max_bytes
        self._bytes = 0
        self._clock = clock
        self._pages: dict[Key, tuple[float, Page]] = {}  # key -> (kept until, page)
        self._rendering: dict[Key, asyncio.Future[Page]] = {}
        self._changes = 0
        self._spread = random.Random()  # noqa: S311 - spreading renderings, not a secret

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        """The bodies' bytes kept."""
        return self._bytes

    def forget(self) -> None:
        """The view changed: forget every page, and keep none being rendered now."""
        self._changes += 1
        self._pages.clear()
        self._bytes = 0
        self._rendering.clear()

    async def get(
        self, key: Key, render: Callable[[], Awaitable[Page]], *, fresh: bool = False
    ) -> Page:
        """The page kept under ``key``, or the one ``render`` makes (kept for next time);
        ``fresh``: one rendered for this call, neither kept nor being rendered already."""
        if self._seconds <= 0 or self._max_bytes <= 0:
            return await render()
        kept = self._pages.get(key)
        if kept is not None and not fresh:
            if self._clock() < kept[0]:
                return kept[1]
            self._drop(key)
        rendering = None if fresh else self._rendering.get(key)
        if rendering is None:
            rendering = asyncio.ensure_future(self._render(key, render))
            rendering.add_done_callback(_retrieved)
            self._rendering.setdefault(key, rendering)
        # shielded: a caller that goes away does not cancel the others' rendering
        return await asyncio.shield(rendering)

    async def _render(self, key: Key, render: Callable[[], Awaitable[Page]]) -> Page:
        changes, started = self._changes, self._clock()
        try:
            page = await render()
        finally:
            if self._rendering.get(key) is asyncio.current_task():
                del self._rendering[key]
        if changes == self._changes and len(page.body) <= self._max_bytes:
            self._drop(key)  # no change notice since the reads began
            while self._bytes + len(page.body) > self._max_bytes:
                self._drop(next(iter(self._pages)))  # the oldest
            kept = self._seconds * (1 - self._spread.random() / 4)
            self._pages[key] = (started + kept, page)
            self._bytes += len(page.body)
        return page

    def _drop(self, key: Key) -> None:
        gone = self._pages.pop(key, None)
        if gone is not None:
            self._bytes -= len(gone[1].body)


def _retrieved(rendering: asyncio.Future[Page]) -> None:
    """A failed rendering whose callers all went away is not reported as never retrieved."""
    if not rendering.cancelled():
        rendering.exception()
