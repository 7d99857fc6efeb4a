"""SQL that reads the view; every query takes the (checked) live schema and a district scope
(None = all districts)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import asyncpg

from coordination.domain import rules
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
_WAITING = "answered_at IS NULL AND closed_at IS NULL"
#: Status ``sent`` (rules.Referral.status): sent and nothing further, not even received.
_SENT_ONLY = f"sent_at IS NOT NULL AND received_at IS NULL AND accepted_at IS NULL AND {_OPEN}"
#: The pages' columns: the rules' fields, in their order.
_REFERRAL_COLUMNS = ", ".join(rules.Referral.__dataclass_fields__)
_CONSULTATION_COLUMNS = ", ".join(rules.Consultation.__dataclass_fields__)
_REFERRALS_SCOPED = "($1::text[] IS NULL OR from_org = ANY($1) OR to_org = ANY($1))"
#: The most rows one page lists.
PAGE_LIMIT = 5000


async def open_referral_counts(conn: Connection, schema: str) -> dict[str, tuple[int, int]]:
    """Organisation -> (open referrals it received, open referrals it sent)."""
    rows = await conn.fetch(
        q(
            "SELECT v.org, sum(v.incoming)::int AS incoming, sum(v.outgoing)::int AS outgoing "  # noqa: S608 - fixed text
            "FROM {s}.referrals r CROSS JOIN LATERAL "
            "(VALUES (r.to_org, 1, 0), (r.from_org, 0, 1)) AS v (org, incoming, outgoing) "
            f"WHERE {_OPEN} AND v.org IS NOT NULL GROUP BY v.org",
            schema,
        )
    )
    return {r["org"]: (r["incoming"], r["outgoing"]) for r in rows}


async def referrals(
    conn: Connection, schema: str, scope: Scope, *, open_only: bool, referral_id: Any = None
) -> list[asyncpg.Record]:
    """The board's referrals (the fields of rules.Referral, in order), oldest first: the
    ``PAGE_LIMIT`` oldest open ones, or with the closed ones the ``PAGE_LIMIT`` newest (a
    long-running view holds far more closed referrals than a page, and the recent are the ones
    asked for).

    Each filter is its own SQL text rather than a parameter, so that the plan of open ones
    uses the partial index of open referrals."""
    where = [_REFERRALS_SCOPED, _OPEN] if open_only else [_REFERRALS_SCOPED]
    args: list[Any] = [scope]
    if referral_id is not None:
        where.append("referral_id = $2")
        args.append(referral_id)
    return await _referrals(conn, schema, where, args, newest=not open_only)


async def unacknowledged_referrals(
    conn: Connection, schema: str, scope: Scope, *, ack_hours: Mapping[str, int], now: datetime
) -> list[asyncpg.Record]:
    """Referrals of status sent (nothing further) that were not acknowledged in the hours
    of their urgency (``ack_hours``; ``rules.ACK_HOURS`` for one not in it, routine's for
    none): the rows that rules.unacknowledged can find true at ``now``."""
    deadline = (
        "sent_at + make_interval(hours => coalesce(($2::jsonb ->> "
        f"coalesce(nullif(urgency, ''), 'routine'))::int, {rules.ACK_HOURS}))"
    )
    where = [_REFERRALS_SCOPED, _SENT_ONLY, f"{deadline} < $3"]
    return await _referrals(conn, schema, where, [scope, json.dumps(dict(ack_hours)), now])


_SINCE = "coalesce(sent_at, received_at, accepted_at)"


async def _referrals(
    conn: Connection, schema: str, where: list[str], args: list[Any], *, newest: bool = False
) -> list[asyncpg.Record]:
    page = (
        f"SELECT {_REFERRAL_COLUMNS}, {_SINCE} AS since FROM {{s}}.referrals "  # noqa: S608 - fixed text
        f"WHERE {' AND '.join(where)} ORDER BY since {'DESC' if newest else ''} LIMIT {PAGE_LIMIT}"
    )
    return await conn.fetch(
        q(f"SELECT {_REFERRAL_COLUMNS} FROM ({page}) AS page ORDER BY since", schema),  # noqa: S608 - fixed text
        *args,
    )


async def consultations(  # noqa: PLR0913 - filters of the queue
    conn: Connection,
    schema: str,
    scope: Scope,
    *,
    waiting_only: bool,
    consultation_id: Any = None,
    due_before: datetime | None = None,
) -> list[asyncpg.Record]:
    """The queue's consultations (the fields of rules.Consultation, in order) by requested
    response time; ``due_before``: only waiting ones whose response time has passed by then."""
    scoped = (
        "($1::text[] IS NULL OR district = ANY($1) OR requested_by = ANY($1) "
        "OR requested_of = ANY($1))"
    )
    where = [scoped]
    where += [_WAITING] if waiting_only or due_before is not None else []
    args: list[Any] = [scope]
    if due_before is not None:
        args.append(due_before)
        where.append(f"respond_by < ${len(args)}")
    if consultation_id is not None:
        args.append(consultation_id)
        where.append(f"consultation_id = ${len(args)}")
    return await conn.fetch(
        q(
            f"SELECT {_CONSULTATION_COLUMNS} FROM {{s}}.consultations "  # noqa: S608 - fixed text
            f"WHERE {' AND '.join(where)} ORDER BY respond_by LIMIT {PAGE_LIMIT}",
            schema,
        ),
        *args,
    )


async def consultation_figures(
    conn: Connection, schema: str, districts: list[str], answered_since: datetime
) -> dict[str, asyncpg.Record]:
    """District -> its consultations waiting (all of them) and the two middle response times
    of those answered after ``answered_since`` (``lower_middle``, ``upper_middle``: the same
    one when their number is odd), of which rules.median_of_middles makes the median."""
    rows = await conn.fetch(
        q(
            "SELECT district, "  # noqa: S608 - fixed text
            f"count(*) FILTER (WHERE {_WAITING}) AS waiting, "
            "percentile_disc(0.5) WITHIN GROUP (ORDER BY answered_at - requested_at) "
            "FILTER (WHERE answered_at > $2 AND requested_at IS NOT NULL) AS lower_middle, "
            "percentile_disc(0.5) WITHIN GROUP (ORDER BY answered_at - requested_at DESC) "
            "FILTER (WHERE answered_at > $2 AND requested_at IS NOT NULL) AS upper_middle "
            f"FROM {{s}}.consultations WHERE district = ANY($1) AND (({_WAITING}) "
            "OR answered_at > $2) GROUP BY district",
            schema,
        ),
        districts,
        answered_since,
    )
    return {r["district"]: r for r in rows}


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
