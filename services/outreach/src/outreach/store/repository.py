"""SQL of the outreach service: writes inside the ingestion transaction, scoped reads.

Reads take the districts the caller may read (None = every district), as computed by
samverkan_common.scope.
"""

from __future__ import annotations

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


async def add_contact(conn: Connection, district: str, actororg: str, c: ContactMade) -> bool:
    """Record the contact; False when its id is already taken."""
    added: bool | None = await conn.fetchval(
        "INSERT INTO contacts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (contact_id) DO NOTHING RETURNING true",
        c.contact_id,
        district,
        actororg,
        c.contacted_at,
        c.arena.value,
        c.subject_ref,
        c.anonymous_count,
        c.age_band.value,
        [n.value for n in c.needs_identified],
    )
    return bool(added)


async def add_observation(conn: Connection, district: str, actororg: str, o: ArenaObserved) -> bool:
    """Record the observation; False when its id is already taken."""
    added: bool | None = await conn.fetchval(
        "INSERT INTO observations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (observation_id) DO NOTHING RETURNING true",
        o.observation_id,
        district,
        actororg,
        o.arena.value,
        o.period_start,
        o.period_end,
        o.unit.value,
        o.observed_count,
        o.note,
    )
    return bool(added)


async def add_signal(conn: Connection, district: str, s: HousingSignalReported) -> bool:
    """Record the signal; False when its id is already taken."""
    added: bool | None = await conn.fetchval(
        "INSERT INTO housing_signals VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (signal_id) DO NOTHING RETURNING true",
        s.signal_id,
        district,
        s.reported_by,
        s.property_ref,
        [i.value for i in s.indicators],
        s.observed_on,
    )
    return bool(added)


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
