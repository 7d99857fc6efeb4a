"""SQL that reads the view; every query takes the (checked) live schema and a district scope
(None = all districts)."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from coordination.store.schema import q
from samverkan_common.db import Connection

Scope = list[str] | None


async def plans(conn: Connection, schema: str, scope: Scope) -> list[asyncpg.Record]:
    """The newest plan of each district and area."""
    return await conn.fetch(
        q(
            "SELECT DISTINCT ON (district, area) district, area, status, next_review_on, plan_id "
            "FROM {s}.plans WHERE ($1::text[] IS NULL OR district = ANY($1)) "
            "ORDER BY district, area, updated_at DESC, revision DESC",
            schema,
        ),
        scope,
    )


async def activity(
    conn: Connection, schema: str, scope: Scope, today: date
) -> list[asyncpg.Record]:
    return await conn.fetch(
        q(
            "SELECT district, area, "
            "coalesce(sum(n) FILTER (WHERE day > $2::date - 30), 0) AS d30, "
            "coalesce(sum(n) FILTER (WHERE day > $2::date - 90), 0) AS d90, "
            "coalesce(sum(n), 0) AS d365 FROM {s}.event_counts "
            "WHERE day > $2::date - 365 AND day <= $2 "
            "AND ($1::text[] IS NULL OR district = ANY($1)) GROUP BY district, area",
            schema,
        ),
        scope,
        today,
    )


_OPEN = "completed_at IS NULL AND declined_at IS NULL AND withdrawn_at IS NULL"


async def open_referral_counts(conn: Connection, schema: str) -> dict[str, tuple[int, int]]:
    """Organisation -> (open referrals it received, open referrals it sent)."""
    rows = await conn.fetch(
        q(
            f"SELECT org, sum(incoming)::int AS incoming, sum(outgoing)::int AS outgoing FROM ("  # noqa: S608 - fixed text
            f"SELECT to_org AS org, 1 AS incoming, 0 AS outgoing FROM {{s}}.referrals WHERE {_OPEN}"
            f" UNION ALL SELECT from_org, 0, 1 FROM {{s}}.referrals WHERE {_OPEN}"
            ") x WHERE org IS NOT NULL GROUP BY org",
            schema,
        )
    )
    return {r["org"]: (r["incoming"], r["outgoing"]) for r in rows}


async def referrals(
    conn: Connection, schema: str, scope: Scope, *, open_only: bool, referral_id: Any = None
) -> list[asyncpg.Record]:
    return await conn.fetch(
        q(
            "SELECT * FROM {s}.referrals WHERE ($1::text[] IS NULL OR from_org = ANY($1) "
            "OR to_org = ANY($1)) AND (NOT $2 OR (completed_at IS NULL AND declined_at IS NULL "
            "AND withdrawn_at IS NULL)) AND ($3::uuid IS NULL OR referral_id = $3) "
            "ORDER BY coalesce(sent_at, received_at, accepted_at) LIMIT 5000",
            schema,
        ),
        scope,
        open_only,
        referral_id,
    )


async def consultations(
    conn: Connection, schema: str, scope: Scope, *, waiting_only: bool, consultation_id: Any = None
) -> list[asyncpg.Record]:
    return await conn.fetch(
        q(
            "SELECT * FROM {s}.consultations WHERE ($1::text[] IS NULL OR district = ANY($1) "
            "OR requested_by = ANY($1) OR requested_of = ANY($1)) "
            "AND (NOT $2 OR (answered_at IS NULL AND closed_at IS NULL)) "
            "AND ($3::uuid IS NULL OR consultation_id = $3) ORDER BY respond_by LIMIT 5000",
            schema,
        ),
        scope,
        waiting_only,
        consultation_id,
    )


async def repeated_contacts(  # noqa: PLR0913 - the rule's thresholds
    conn: Connection, schema: str, scope: Scope, *, at_least: int, days: int, today: date
) -> list[asyncpg.Record]:
    """Subjects met at least ``at_least`` times in ``days`` days with no referral since."""
    return await conn.fetch(
        q(
            "SELECT c.subject_ref, array_agg(DISTINCT c.district ORDER BY c.district) AS districts,"
            " count(*) AS contacts, min(c.contacted_at) AS first_at, max(c.contacted_at) AS last_at"
            " FROM {s}.contacts c WHERE c.contacted_at > $2::date - $3::int "
            "GROUP BY c.subject_ref HAVING count(*) >= $4 "
            "AND ($1::text[] IS NULL OR array_agg(c.district) && $1) AND NOT EXISTS ("
            "SELECT 1 FROM {s}.referrals r WHERE r.subject_ref = c.subject_ref AND "
            "(r.sent_at > $2::date - $3::int OR (r.completed_at IS NULL AND r.declined_at IS NULL "
            "AND r.withdrawn_at IS NULL)))",
            schema,
        ),
        scope,
        today,
        days,
        at_least,
    )


async def housing_signal_clusters(  # noqa: PLR0913 - the rule's thresholds
    conn: Connection, schema: str, scope: Scope, *, at_least: int, days: int, today: date
) -> list[asyncpg.Record]:
    return await conn.fetch(
        q(
            "SELECT district, count(*) AS signals, min(observed_on) AS first_on FROM "
            "{s}.housing_signals WHERE observed_on > $2::date - $3::int AND "
            "($1::text[] IS NULL OR district = ANY($1)) GROUP BY district HAVING count(*) >= $4",
            schema,
        ),
        scope,
        today,
        days,
        at_least,
    )


async def journey_facts(conn: Connection, schema: str, subject_ref: str) -> dict[str, Any]:
    consents = await conn.fetch(
        q("SELECT * FROM {s}.consents WHERE subject_ref = $1", schema), subject_ref
    )
    parties = await conn.fetch(
        q(
            "SELECT from_org, to_org FROM {s}.referrals WHERE subject_ref = $1 "
            "AND legal_basis IS NOT NULL",
            schema,
        ),
        subject_ref,
    )
    cases = await conn.fetchval(
        q("SELECT count(*) FROM {s}.cases WHERE subject_ref = $1", schema), subject_ref
    )
    return {"consents": consents, "parties": parties, "cases": cases}


async def steps(conn: Connection, schema: str, subject_ref: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        q(
            "SELECT * FROM {s}.steps WHERE subject_ref = $1 OR aggregate_id IN "
            "(SELECT aggregate_id FROM {s}.subject_links WHERE subject_ref = $1) "
            "ORDER BY occurred_at, event_id",
            schema,
        ),
        subject_ref,
    )


async def counts(
    conn: Connection, schema: str, first: date, last: date, family: str | None
) -> list[asyncpg.Record]:
    """Events per district and area in [first, last], optionally of one event family."""
    return await conn.fetch(
        q(
            "SELECT district, area, sum(n)::bigint AS n FROM {s}.event_counts "
            "WHERE day BETWEEN $1 AND $2 AND ($3::text IS NULL OR family = $3) "
            "GROUP BY district, area",
            schema,
        ),
        first,
        last,
        family,
    )
