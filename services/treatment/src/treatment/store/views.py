"""SQL of the read endpoints. ``parties`` is the caller's organisations (None: every row):
a row is visible to the organisations taking part in it."""

from __future__ import annotations

from uuid import UUID

import asyncpg

LIMIT = 1000


async def referrals(
    pool: asyncpg.Pool, parties: list[str] | None, status: str | None, district: str | None
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT * FROM referrals WHERE ($1::text[] IS NULL OR from_organisation = ANY($1) "
        "OR to_organisation = ANY($1)) AND ($2::text IS NULL OR status = $2) "
        "AND ($3::text IS NULL OR district = $3) ORDER BY sent_at DESC LIMIT $4",
        parties,
        status,
        district,
        LIMIT,
    )
    return rows


async def referral(
    pool: asyncpg.Pool, parties: list[str] | None, referral_id: UUID
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await pool.fetchrow(
        "SELECT * FROM referrals WHERE referral_id = $2 AND ($1::text[] IS NULL "
        "OR from_organisation = ANY($1) OR to_organisation = ANY($1))",
        parties,
        referral_id,
    )
    return row


async def consultations(
    pool: asyncpg.Pool, parties: list[str] | None, status: str | None
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT * FROM consultations WHERE ($1::text[] IS NULL OR requested_by = ANY($1) "
        "OR requested_of = ANY($1)) AND ($2::text IS NULL OR status = $2) "
        "ORDER BY requested_at DESC LIMIT $3",
        parties,
        status,
        LIMIT,
    )
    return rows


async def episodes(
    pool: asyncpg.Pool, parties: list[str] | None, status: str | None
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT * FROM episodes WHERE ($1::text[] IS NULL OR provided_by = ANY($1) "
        "OR district = ANY($1)) AND ($2::text IS NULL OR status = $2) "
        "ORDER BY started_on DESC LIMIT $3",
        parties,
        status,
        LIMIT,
    )
    return rows
