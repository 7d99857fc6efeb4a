"""SQL of the trafficking service: writes inside the ingestion transaction, scoped reads."""

from __future__ import annotations

import json
from datetime import date, datetime
from uuid import UUID

import asyncpg

from samverkan_common.db import Connection
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from samverkan_contracts.events.trafficking import SuspicionRegistered, TraffickingCaseClosed
from trafficking.domain.cases import Case, CaseStatus, CaseStep

_LIMIT = 1000


async def case(conn: Connection, case_id: UUID) -> Case | None:
    """The case as it stands, locked for the rest of the transaction."""
    row = await conn.fetchrow(
        "SELECT status, district FROM cases WHERE case_id = $1 FOR UPDATE", case_id
    )
    return Case(CaseStatus(row["status"]), row["district"]) if row else None


async def open_case(
    conn: Connection, district: str, actororg: str, at: datetime, s: SuspicionRegistered
) -> None:
    await conn.execute(
        "INSERT INTO cases (case_id, district, registered_by, registered_at, subject_ref, "
        "indicators, origin, age_band, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        s.case_id,
        district,
        actororg,
        at,
        s.subject_ref,
        [i.value for i in s.indicators],
        s.origin.value,
        s.age_band.value,
        CaseStatus.OPEN.value,
    )


async def close_case(conn: Connection, c: TraffickingCaseClosed) -> None:
    await conn.execute(
        "UPDATE cases SET status = $2, closed_on = $3, outcome = $4 WHERE case_id = $1",
        c.case_id,
        CaseStatus.CLOSED.value,
        c.closed_on,
        c.outcome.value,
    )


async def add_step(
    conn: Connection, event: CloudEvent[EventData], step: CaseStep, case_id: UUID, on: date
) -> None:
    """Keep the step in the case's course; its details are the event's data (no subject)."""
    details = event.data.model_dump(mode="json", exclude={"case_id", "subject_ref"})
    await conn.execute(
        "INSERT INTO case_steps VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)",
        event.id,
        case_id,
        step.value,
        on,
        event.actororg,
        event.time,
        json.dumps(details),
    )


async def cases(
    pool: asyncpg.Pool, districts: list[str] | None, status: CaseStatus | None
) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM cases WHERE ($1::text[] IS NULL OR district = ANY($1)) "
        "AND ($2::text IS NULL OR status = $2) ORDER BY registered_at DESC, case_id LIMIT $3",
        districts,
        status.value if status else None,
        _LIMIT,
    )


async def case_detail(
    pool: asyncpg.Pool, case_id: UUID, districts: list[str] | None
) -> tuple[asyncpg.Record, list[asyncpg.Record]] | None:
    """The case and its steps in order, or None when it is unknown or out of scope."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        row = await conn.fetchrow(
            "SELECT * FROM cases WHERE case_id = $1 AND ($2::text[] IS NULL OR district = ANY($2))",
            case_id,
            districts,
        )
        if row is None:
            return None
        steps = await conn.fetch(
            "SELECT * FROM case_steps WHERE case_id = $1 ORDER BY occurred_on, recorded_at",
            case_id,
        )
    return row, steps
