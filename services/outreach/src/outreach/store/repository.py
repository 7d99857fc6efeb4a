"""SQL of the outreach service: writes inside the ingestion transaction, scoped reads.

Reads take the districts the caller may read (None = every district), as computed by
samverkan_common.scope.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from outreach.domain.operations import Operation, OperationStatus
from samverkan_common.db import Connection
from samverkan_contracts.events.outreach import (
    ArenaObserved,
    ContactMade,
    HousingSignalReported,
    JointOperationCompleted,
    JointOperationPlanned,
)

_LIMIT = 1000


async def add_contacts(conn: Connection, rows: Sequence[tuple[str, str, ContactMade]]) -> set[UUID]:
    """Record (district, actororg, contact) rows in one statement; the ids added (an id
    already taken, before or earlier in the same rows, is not)."""
    added = await conn.fetch(
        "INSERT INTO contacts SELECT c, d, o, t, a, s, n, b, "
        "ARRAY(SELECT jsonb_array_elements_text(needs)) FROM unnest($1::uuid[], $2::text[], "
        "$3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::integer[], $8::text[], "
        "$9::jsonb[]) AS r(c, d, o, t, a, s, n, b, needs) "
        "ON CONFLICT (contact_id) DO NOTHING RETURNING contact_id",
        [c.contact_id for _, _, c in rows],
        [district for district, _, _ in rows],
        [actororg for _, actororg, _ in rows],
        [c.contacted_at for _, _, c in rows],
        [c.arena.value for _, _, c in rows],
        [c.subject_ref for _, _, c in rows],
        [c.anonymous_count for _, _, c in rows],
        [c.age_band.value for _, _, c in rows],
        [json.dumps([n.value for n in c.needs_identified]) for _, _, c in rows],
    )
    return {row["contact_id"] for row in added}


async def add_observations(
    conn: Connection, rows: Sequence[tuple[str, str, ArenaObserved]]
) -> set[UUID]:
    """Record (district, actororg, observation) rows in one statement; the ids added."""
    added = await conn.fetch(
        "INSERT INTO observations SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], "
        "$4::text[], $5::date[], $6::date[], $7::text[], $8::integer[], $9::text[]) "
        "ON CONFLICT (observation_id) DO NOTHING RETURNING observation_id",
        [o.observation_id for _, _, o in rows],
        [district for district, _, _ in rows],
        [actororg for _, actororg, _ in rows],
        [o.arena.value for _, _, o in rows],
        [o.period_start for _, _, o in rows],
        [o.period_end for _, _, o in rows],
        [o.unit.value for _, _, o in rows],
        [o.observed_count for _, _, o in rows],
        [o.note for _, _, o in rows],
    )
    return {row["observation_id"] for row in added}


async def add_signals(
    conn: Connection, rows: Sequence[tuple[str, HousingSignalReported]]
) -> set[UUID]:
    """Record (district, signal) rows in one statement; the ids added."""
    added = await conn.fetch(
        "INSERT INTO housing_signals SELECT i, d, r, p, "
        "ARRAY(SELECT jsonb_array_elements_text(indicators)), o FROM unnest($1::uuid[], "
        "$2::text[], $3::text[], $4::text[], $5::jsonb[], $6::date[]) "
        "AS s(i, d, r, p, indicators, o) "
        "ON CONFLICT (signal_id) DO NOTHING RETURNING signal_id",
        [s.signal_id for _, s in rows],
        [district for district, _ in rows],
        [s.reported_by for _, s in rows],
        [s.property_ref for _, s in rows],
        [json.dumps([i.value for i in s.indicators]) for _, s in rows],
        [s.observed_on for _, s in rows],
    )
    return {row["signal_id"] for row in added}


async def operation(conn: Connection, operation_id: UUID) -> Operation | None:
    """The operation as it stands, locked for the rest of the transaction."""
    row = await conn.fetchrow(
        "SELECT status, district, participants FROM operations WHERE operation_id = $1 FOR UPDATE",
        operation_id,
    )
    if row is None:
        return None
    return Operation(
        OperationStatus(row["status"]), row["district"], frozenset(row["participants"])
    )


async def add_operation(
    conn: Connection, district: str, actororg: str, o: JointOperationPlanned
) -> None:
    await conn.execute(
        "INSERT INTO operations (operation_id, district, planned_by, planned_for, arena, "
        "participants, purpose, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        o.operation_id,
        district,
        actororg,
        o.planned_for,
        o.arena.value,
        list(o.participants),
        o.purpose,
        OperationStatus.PLANNED.value,
    )


async def complete_operation(conn: Connection, actororg: str, o: JointOperationCompleted) -> None:
    await conn.execute(
        "UPDATE operations SET status = $2, completed_by = $3, completed_on = $4, "
        "contacts_made = $5, referrals_made = $6, note = $7 WHERE operation_id = $1",
        o.operation_id,
        OperationStatus.COMPLETED.value,
        actororg,
        o.completed_on,
        o.contacts_made,
        o.referrals_made,
        o.note,
    )


async def contacts(pool: asyncpg.Pool, districts: list[str] | None) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM contacts WHERE ($1::text[] IS NULL OR district = ANY($1)) "
        "ORDER BY contacted_at DESC, contact_id LIMIT $2",
        districts,
        _LIMIT,
    )


async def observations(pool: asyncpg.Pool, districts: list[str] | None) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM observations WHERE ($1::text[] IS NULL OR district = ANY($1)) "
        "ORDER BY period_start DESC, observation_id LIMIT $2",
        districts,
        _LIMIT,
    )


async def operations(pool: asyncpg.Pool, districts: list[str] | None) -> list[asyncpg.Record]:
    """Operations about the districts, and those they take part in."""
    return await pool.fetch(
        "SELECT * FROM operations WHERE ($1::text[] IS NULL OR district = ANY($1) "
        "OR participants && $1) ORDER BY planned_for DESC, operation_id LIMIT $2",
        districts,
        _LIMIT,
    )


async def housing_signals(
    pool: asyncpg.Pool, districts: list[str] | None, reported_by: str | None
) -> list[asyncpg.Record]:
    """Signals about the districts (None = all), narrowed to one reporter if given."""
    return await pool.fetch(
        "SELECT * FROM housing_signals WHERE ($1::text[] IS NULL OR district = ANY($1)) "
        "AND ($2::text IS NULL OR reported_by = $2) "
        "ORDER BY observed_on DESC, signal_id LIMIT $3",
        districts,
        reported_by,
        _LIMIT,
    )
