"""The append-only, hash-chained audit log (``coordination.audit_log``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg

from coordination.domain.audit import GENESIS, AuditRecord, link
from samverkan_common.db import Connection

_LOCK = 0x5A4D_4155  # serialises appends so the chain has one head


async def append(  # noqa: PLR0913 - the record's fields
    conn: Connection,
    *,
    actor: str,
    organisation: str,
    roles: frozenset[str],
    action: str,
    target: str,
    purpose: str,
) -> AuditRecord:
    """Append one record in its own transaction (it must stay even if the read fails later)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
        head = await conn.fetchrow(
            "SELECT seq, hash FROM coordination.audit_log ORDER BY seq DESC LIMIT 1"
        )
        seq, prev = (head["seq"] + 1, bytes(head["hash"])) if head else (1, GENESIS)
        record = AuditRecord(
            seq=seq,
            at=datetime.now(UTC),
            actor=actor,
            organisation=organisation,
            roles=tuple(sorted(roles)),
            action=action,
            target=target,
            purpose=purpose,
        )
        await conn.execute(
            "INSERT INTO coordination.audit_log VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            seq,
            record.at,
            actor,
            organisation,
            list(record.roles),
            action,
            target,
            purpose,
            prev,
            link(prev, record),
        )
    return record


def record_of(row: asyncpg.Record) -> AuditRecord:
    return AuditRecord(
        seq=row["seq"],
        at=row["at"].astimezone(UTC),
        actor=row["actor"],
        organisation=row["organisation"],
        roles=tuple(row["roles"]),
        action=row["action"],
        target=row["target"],
        purpose=row["purpose"],
    )


async def page(conn: Connection, after: int, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM coordination.audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", after, limit
    )


async def chain(
    conn: Connection, batch: int = 5000
) -> AsyncIterator[tuple[AuditRecord, bytes, bytes]]:
    """Every record with its stored links, in order, read in batches."""
    after = 0
    while rows := await page(conn, after, batch):
        for row in rows:
            yield record_of(row), bytes(row["prev_hash"]), bytes(row["hash"])
        after = rows[-1]["seq"]
