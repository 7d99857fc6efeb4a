"""SQL that writes the view. Every statement is idempotent and order-independent within an
aggregate: a column is set by the one event type that owns it and kept once set (or merged
with GREATEST/LEAST/a set union), so ``accepted`` before ``received`` ends in the same row as
the other way round, and an event applied twice changes nothing.

Templates hold ``{s}`` for the (checked) view schema; see ``statements``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from coordination.domain.erasure import aggregate_digest, subject_digest
from coordination.store.schema import q
from samverkan_common.db import Connection


def _upsert(table: str, key: str, columns: Sequence[str], merge: Mapping[str, str] = {}) -> str:
    params = ", ".join(f"${i}" for i in range(1, len(columns) + 2))
    sets = ", ".join(
        f"{c} = {merge.get(c, f'COALESCE({table}.{c}, EXCLUDED.{c})')}" for c in columns
    )
    return (
        f"INSERT INTO {{s}}.{table} AS {table} ({key}, {', '.join(columns)}) VALUES ({params}) "  # noqa: S608 - fixed names
        f"ON CONFLICT ({key}) DO UPDATE SET {sets}"
    )


def _insert_once(table: str, columns: Sequence[str]) -> str:
    params = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    cols = ", ".join(columns)
    return f"INSERT INTO {{s}}.{table} ({cols}) VALUES ({params}) ON CONFLICT DO NOTHING"  # noqa: S608 - fixed names


_R = "referrals"
_C = "cases"

#: Statement name -> SQL template. A projection emits (name, row) pairs; rows of one name are
#: written with one executemany.
TEMPLATES: Mapping[str, str] = {
    "count": (
        "INSERT INTO {s}.event_counts AS c (district, area, family, day, n) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (district, area, family, day) "
        "DO UPDATE SET n = c.n + EXCLUDED.n"
    ),
    "plan": (
        "INSERT INTO {s}.plans AS p (plan_id, district, area, revision, status, adopted_on, "
        "next_review_on, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (plan_id) DO UPDATE SET district = EXCLUDED.district, area = EXCLUDED.area, "
        "revision = EXCLUDED.revision, status = EXCLUDED.status, adopted_on = EXCLUDED.adopted_on,"
        " next_review_on = EXCLUDED.next_review_on, updated_at = EXCLUDED.updated_at "
        "WHERE EXCLUDED.revision > p.revision"
    ),
    "referral.sent": _upsert(
        _R,
        "referral_id",
        [
            "district",
            "subject_ref",
            "from_org",
            "to_org",
            "service",
            "urgency",
            "respond_by",
            "consent_id",
            "legal_basis",
            "sent_at",
        ],
    ),
    "referral.received": _upsert(_R, "referral_id", ["received_at"]),
    "referral.accepted": _upsert(_R, "referral_id", ["accepted_at"]),
    "referral.declined": _upsert(_R, "referral_id", ["declined_at", "decline_reason"]),
    "referral.completed": _upsert(_R, "referral_id", ["completed_at", "outcome"]),
    "referral.withdrawn": _upsert(_R, "referral_id", ["withdrawn_at"]),
    "consultation.requested": _upsert(
        "consultations",
        "consultation_id",
        [
            "district",
            "requested_by",
            "requested_of",
            "question",
            "age_band",
            "respond_by",
            "requested_at",
        ],
    ),
    "consultation.answered": _upsert("consultations", "consultation_id", ["answered_at"]),
    "consultation.closed": _upsert("consultations", "consultation_id", ["closed_at", "resolution"]),
    "contact": _insert_once(
        "contacts", ["contact_id", "subject_ref", "district", "arena", "contacted_at"]
    ),
    "housing_signal": _insert_once(
        "housing_signals", ["signal_id", "district", "reported_by", "observed_on"]
    ),
    "case.opened": _upsert(
        _C, "case_id", ["district", "subject_ref", "opened_at", "age_band", "origin", "indicators"]
    ),
    "case.police_report": _upsert(
        _C,
        "case_id",
        ["police_report_on"],
        {"police_report_on": "LEAST(cases.police_report_on, EXCLUDED.police_report_on)"},
    ),
    "case.protection": (
        "INSERT INTO {s}.cases AS cases (case_id, protections) VALUES ($1, $2) "
        "ON CONFLICT (case_id) DO UPDATE SET protections = ARRAY(SELECT DISTINCT p FROM "
        "unnest(cases.protections || EXCLUDED.protections) AS p ORDER BY p)"
    ),
    "case.reflection": _upsert(
        _C,
        "case_id",
        ["reflection_until"],
        {"reflection_until": "GREATEST(cases.reflection_until, EXCLUDED.reflection_until)"},
    ),
    "case.closed": _upsert(_C, "case_id", ["closed_on", "outcome"]),
    "episode.started": _upsert(
        "episodes",
        "episode_id",
        ["district", "subject_ref", "provided_by", "kind", "started_on"],
    ),
    "episode.ended": _upsert("episodes", "episode_id", ["ended_on", "end_reason"]),
    "consent.recorded": _upsert(
        "consents",
        "consent_id",
        ["subject_ref", "granting_org", "recipients", "purpose", "given_on", "valid_until"],
    ),
    "consent.revoked": _upsert(
        "consents",
        "consent_id",
        ["subject_ref", "revoked_on"],
        {"revoked_on": "LEAST(consents.revoked_on, EXCLUDED.revoked_on)"},
    ),
    "subject_link": _insert_once("subject_links", ["aggregate_id", "subject_ref"]),
    "step": _insert_once(
        "steps",
        [
            "event_id",
            "subject_ref",
            "aggregate_id",
            "occurred_at",
            "area",
            "family",
            "district",
            "actororg",
            "restricted",
            "data",
        ],
    ),
}


@cache
def statement(name: str, schema: str) -> str:
    return q(TEMPLATES[name], schema)


async def write(conn: Connection, schema: str, writes: Mapping[str, list[tuple[Any, ...]]]) -> None:
    """Write the rows, one executemany per statement, in the templates' order."""
    for name in TEMPLATES:
        rows = writes.get(name)
        if rows:
            await conn.executemany(statement(name, schema), rows)


async def lock_positions(
    conn: Connection, schema: str, partitions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], int]:
    """The next offset to apply for each partition, locked until the transaction ends."""
    topics, numbers = zip(*sorted(set(partitions)), strict=True)
    await conn.execute(
        q(
            "INSERT INTO {s}.positions SELECT t, p, 0 FROM unnest($1::text[], $2::int[]) AS x(t, p)"
            " ON CONFLICT DO NOTHING",
            schema,
        ),
        list(topics),
        list(numbers),
    )
    rows = await conn.fetch(
        q(
            "SELECT topic, partition, next_offset FROM {s}.positions "
            "WHERE (topic, partition) IN (SELECT * FROM unnest($1::text[], $2::int[])) "
            "ORDER BY topic, partition FOR UPDATE",
            schema,
        ),
        list(topics),
        list(numbers),
    )
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def save_positions(
    conn: Connection, schema: str, nexts: Mapping[tuple[str, int], int]
) -> None:
    await conn.executemany(
        q(
            "UPDATE {s}.positions SET next_offset = GREATEST(next_offset, $3) "
            "WHERE topic = $1 AND partition = $2",
            schema,
        ),
        [(t, p, n) for (t, p), n in nexts.items()],
    )


async def first_seen(conn: Connection, schema: str, ids: Sequence[Any]) -> set[Any]:
    """The ids never applied before (and now recorded as applied)."""
    rows = await conn.fetch(
        q(
            "INSERT INTO {s}.applied_events SELECT unnest($1::uuid[]) "
            "ON CONFLICT DO NOTHING RETURNING id",
            schema,
        ),
        list(ids),
    )
    return {r["id"] for r in rows}


async def denied(conn: Connection, schema: str, digests: Iterable[bytes]) -> set[bytes]:
    rows = await conn.fetch(
        q("SELECT digest FROM {s}.erased WHERE digest = ANY($1::bytea[])", schema),
        list(set(digests)),
    )
    return {bytes(r["digest"]) for r in rows}


_AGGREGATES = {"referrals": "referral_id", "cases": "case_id", "episodes": "episode_id"}
_DELETE_AGGREGATE = tuple(
    f"DELETE FROM {{s}}.{table} WHERE {key}::text = ANY($1)"  # noqa: S608 - fixed names
    for table, key in _AGGREGATES.items()
)
_SUBJECT_TABLES = ("steps", "referrals", "cases", "episodes", "contacts", "consents")
_DELETE_SUBJECT = tuple(
    f"DELETE FROM {{s}}.{table} WHERE subject_ref = $1"  # noqa: S608 - fixed names
    for table in (*_SUBJECT_TABLES, "subject_links")
)


async def erase_aggregates(conn: Connection, schema: str, aggregate_ids: Sequence[str]) -> None:
    """Delete every row of these aggregates and deny them from now on."""
    await conn.execute(
        q("DELETE FROM {s}.steps WHERE aggregate_id = ANY($1)", schema), aggregate_ids
    )
    for template in _DELETE_AGGREGATE:
        await conn.execute(q(template, schema), aggregate_ids)
    await conn.executemany(
        q("INSERT INTO {s}.erased VALUES ($1, 'aggregate') ON CONFLICT DO NOTHING", schema),
        [(aggregate_digest(a),) for a in aggregate_ids],
    )


async def erase_subject(  # noqa: PLR0913 - the erasure record's fields
    conn: Connection,
    schema: str,
    subject_ref: str,
    *,
    reason: str,
    requested_by: str,
    requested_at: Any,
    event_id: Any,
) -> None:
    """Remove the subject from every table of the view, deny it, and record the erasure."""
    rows = await conn.fetch(
        q("SELECT aggregate_id FROM {s}.subject_links WHERE subject_ref = $1", schema), subject_ref
    )
    await erase_aggregates(conn, schema, [r["aggregate_id"] for r in rows])
    for template in _DELETE_SUBJECT:
        await conn.execute(q(template, schema), subject_ref)
    digest = subject_digest(subject_ref)
    await conn.execute(
        q("INSERT INTO {s}.erased VALUES ($1, 'subject') ON CONFLICT DO NOTHING", schema), digest
    )
    await conn.execute(
        q(
            "INSERT INTO {s}.erasures AS e VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (subject_digest) DO UPDATE "
            "SET reason = $2, requested_by = $3, requested_at = $4, event_id = $5 "
            "WHERE (EXCLUDED.requested_at, EXCLUDED.event_id) > (e.requested_at, e.event_id)",
            schema,
        ),
        digest,
        reason,
        requested_by,
        requested_at,
        event_id,
    )
