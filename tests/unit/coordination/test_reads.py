"""Reads remember the live view's schema for a second and follow a replay's switch at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from coordination import reads

from samverkan_common.problems import NotFound


class FakeConnection:
    """Answers the live view's name, counting how often it was asked."""

    def __init__(self, live: str | None) -> None:
        self.live = live
        self.asked = 0

    async def fetchval(self, _sql: str, *_args: Any) -> str | None:
        self.asked += 1
        return self.live


class FakePool:
    def __init__(self, conn: FakeConnection) -> None:
        self.conn = conn

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[FakeConnection]:
        yield self.conn


def views(conn: FakeConnection) -> Any:
    """A read of whatever schema it is given, failing as PostgreSQL does for a dropped one."""
    read: list[str] = []

    async def view(_conn: Any, schema: str) -> str:
        if schema != conn.live:
            raise asyncpg.UndefinedTableError(f'relation "{schema}.referrals" does not exist')
        read.append(schema)
        return schema

    view.read = read  # type: ignore[attr-defined]
    return view


async def test_the_schema_is_asked_for_once_a_second() -> None:
    conn = FakeConnection("view_1")
    pool: Any = FakePool(conn)
    read = views(conn)
    assert [await reads.in_view(pool, read) for _ in range(3)] == ["view_1"] * 3
    assert conn.asked == 1


async def test_a_switched_view_is_followed_at_once() -> None:
    conn = FakeConnection("view_1")
    pool: Any = FakePool(conn)
    read = views(conn)
    assert await reads.in_view(pool, read) == "view_1"
    conn.live = "view_2"  # a replay switched and dropped view_1
    assert await reads.in_view(pool, read) == "view_2"
    assert (conn.asked, read.read) == (2, ["view_1", "view_2"])


async def test_the_schema_is_asked_for_again_after_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reads, "LIVE_SECONDS", 0.0)
    conn = FakeConnection("view_1")
    pool: Any = FakePool(conn)
    await reads.in_view(pool, views(conn))
    await reads.in_view(pool, views(conn))
    assert conn.asked == 2


async def test_no_view_yet_is_not_found() -> None:
    pool: Any = FakePool(FakeConnection(None))
    with pytest.raises(NotFound):
        await reads.in_view(pool, views(FakeConnection(None)))
