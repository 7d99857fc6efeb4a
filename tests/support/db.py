"""Direct database access for tests (development-only credentials of the local stack)."""

from __future__ import annotations

import asyncpg

from tests.stack import STACK


async def connect(service: str) -> asyncpg.Connection:
    return await asyncpg.connect(
        host="127.0.0.1",
        port=STACK.pg_port,
        user="samverkan",
        password="samverkan-dev",
        database=f"samverkan_{service}",
    )


async def drop_schema(service: str, schema: str) -> None:
    conn = await connect(service)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()
