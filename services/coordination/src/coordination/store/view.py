"""SQL that writes the view. Every statement is idempotent and order-independent within an
aggregate: a column is set by the one event type that owns it and kept once set (or merged
with GREATEST/LEAST/a set union), so ``accepted`` before ``received`` ends in the same row as
the other way round, and an event applied twice changes nothing.

Templates hold ``{s}`` for the (checked) view schema; see ``statements``.

A batch's rows of one statement are written in one execution: ``INSERT ... SELECT FROM
unnest($1::type[], ...)`` with one array per column, rather than one execution per row
(one plan and one executor loop: about a quarter less database CPU per event, measured with
the benchmark's mix; see docs/performance.md).
Upserts must not meet the same key twice in one statement, so their rows are split into
rounds, the first occurrence of each key in the first round, the second in the next, ...:
the rows of one key are applied in the order given, as one execution per row would. Rows of
statements with array columns (unnest would flatten them) keep one execution per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from coordination.domain.erasure import aggregate_digest, subject_digest
from coordination.store.schema import column_types, q
from samverkan_common.db import Connection


@dataclass(frozen=True)
class Statement:
    """One write: its SQL with ``$1..$n`` in ``VALUES``, the table and columns those fill, and
    how many leading columns make the conflict key of an upsert (0: insert once)."""

    sql: str
    table: str
    columns: tuple[str, ...]
    key_width: int = 0


_VALUES = "VALUES ({})"


def _values(n: int) -> str:
    return _VALUES.format(", ".join(f"${i}" for i in range(1, n + 1)))


def _upsert(
    table: str, key: str, columns: Sequence[str], merge: Mapping[str, str] = {}
) -> Statement:
    sets = ", ".join(
        f"{c} = {merge.get(c, f'COALESCE({table}.{c}, EXCLUDED.{c})')}" for c in columns
    )
    sql = (
        f"INSERT INTO {{s}}.{table} AS {table} ({key}, {', '.join(columns)}) "
        f"{_values(len(columns) + 1)} ON CONFLICT ({key}) DO UPDATE SET {sets}"
    )
    return Statement(sql, table, (key, *columns), key_width=1)


def _insert_once(table: str, columns: Sequence[str]) -> Statement:
    cols = ", ".join(columns)
    sql = f"INSERT INTO {{s}}.{table} ({cols}) {_values(len(columns))} ON CONFLICT DO NOTHING"
    return Statement(sql, table, tuple(columns))


Row = tuple[Any, ...]

_R = "referrals"
_C = "cases"

#: Statement name -> statement. A projection emits (name, row) pairs; rows of one name are
#: written together (see the module's docstring), in this order. The counts come last: their
#: rows (district, area, family, day) are the only ones that replicas applying batches at once
#: both write, so their row locks are held for the shortest time.
TEMPLATES: Mapping[str, Statement] = {
    "plan": Statement(
        "INSERT INTO {s}.plans AS p (plan_id, district, area, revision, status, adopted_on, "
        "next_review_on, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (plan_id) DO UPDATE SET district = EXCLUDED.district, area = EXCLUDED.area, "
        "revision = EXCLUDED.revision, status = EXCLUDED.status, adopted_on = EXCLUDED.adopted_on,"
        " next_review_on = EXCLUDED.next_review_on, updated_at = EXCLUDED.updated_at "
        "WHERE EXCLUDED.revision > p.revision",
        "plans",
        (
            "plan_id",
            "district",
            "area",
            "revision",
            "status",
            "adopted_on",
            "next_review_on",
            "updated_at",
        ),
        key_width=1,
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
    "case.protection": Statement(
        "INSERT INTO {s}.cases AS cases (case_id, protections) VALUES ($1, $2) "
        "ON CONFLICT (case_id) DO UPDATE SET protections = ARRAY(SELECT DISTINCT p FROM "
        "unnest(cases.protections || EXCLUDED.protections) AS p ORDER BY p)",
        "cases",
        ("case_id", "protections"),
        key_width=1,
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
    "count": Statement(
        "INSERT INTO {s}.event_counts AS c (district, area, family, day, n) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (district, area, family, day) "
        "DO UPDATE SET n = c.n + EXCLUDED.n",
        "event_counts",
        ("district", "area", "family", "day", "n"),
        key_width=4,
    ),
}


@cache
def statement(name: str, schema: str) -> str:
    """The statement for one row at a time (``$1..$n``)."""
    return q(TEMPLATES[name].sql, schema)


@cache
def set_statement(name: str, schema: str) -> str | None:
    """The statement for many rows at once (one array per column), or None when a column
    is itself an array."""
    st = TEMPLATES[name]
    types = [column_types()[st.table][c] for c in st.columns]
    if any(t.endswith("[]") for t in types):
        return None
    n = len(types)
    arrays = ", ".join(f"${i}::{_ARRAY_OF.get(t, t)}[]" for i, t in enumerate(types, 1))
    names = ", ".join(f"c{i}" for i in range(1, n + 1))
    values = ", ".join(f"c{i}::{t}" for i, t in enumerate(types, 1))
    select = f"SELECT {values} FROM unnest({arrays}) AS x({names})"  # noqa: S608 - fixed names
    return q(st.sql.replace(_values(n), select), schema)


#: Columns passed as arrays of another type (asyncpg sends text; the SELECT casts it).
_ARRAY_OF = {"jsonb": "text"}


def rounds(rows: Sequence[Row], key_width: int) -> list[list[Row]]:
    """Split rows so that no round holds one key twice; each key's rows keep their order."""
    if key_width == 0:
        return [list(rows)]
    out: list[list[Row]] = []
    seen: dict[Row, int] = {}
    for row in rows:
        key = row[:key_width]
        i = seen.get(key, 0)
        seen[key] = i + 1
        if i == len(out):
            out.append([])
        out[i].append(row)
    return out


async def write(conn: Connection, schema: str, writes: Mapping[str, list[Row]]) -> None:
    """Write the rows in the templates' order: one execution per statement (and round)."""
    for name, st in TEMPLATES.items():
        rows = writes.get(name)
        if not rows:
            continue
        sql = set_statement(name, schema)
        if sql is None:
            await conn.executemany(statement(name, schema), rows)
            continue
        for part in rounds(rows, st.key_width):
            await conn.execute(sql, *(list(column) for column in zip(*part, strict=True)))


async def lock_positions(
    conn: Connection, schema: str, partitions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], int]:
    """The next offset to apply for each partition, locked until the transaction ends (one
    statement: a partition seen for the first time starts at 0; rows are locked in key order,
    so replicas applying at once never deadlock)."""
    topics, numbers = zip(*sorted(set(partitions)), strict=True)
    rows = await conn.fetch(
        q(
            "INSERT INTO {s}.positions AS p SELECT t, n, 0 FROM unnest($1::text[], $2::int[]) "
            "AS x(t, n) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = p.next_offset "
            "RETURNING topic, partition, next_offset",
            schema,
        ),
        list(topics),
        list(numbers),
    )
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def save_positions(
    conn: Connection,
    schema: str,
    nexts: Mapping[tuple[str, int], int],
    notice: tuple[str, str] | None = None,
) -> None:
    """Move each partition's position on (never back), in one statement; with a ``notice``
    (channel, payload), NOTIFY it in the same statement."""
    update = (
        "UPDATE {s}.positions AS p SET next_offset = GREATEST(p.next_offset, x.n) "
        "FROM unnest($1::text[], $2::int[], $3::bigint[]) AS x(t, pa, n) "
        "WHERE p.topic = x.t AND p.partition = x.pa"
    )
    args: list[Any] = [[t for t, _ in nexts], [p for _, p in nexts], list(nexts.values())]
    if notice is None:
        await conn.execute(q(update, schema), *args)
    else:
        await conn.execute(
            q(f"WITH moved AS ({update} RETURNING 1) SELECT pg_notify($4, $5)", schema),
            *args,
            *notice,
        )


async def restart_positions(
    conn: Connection, schema: str, found: Mapping[tuple[str, int], int]
) -> None:
    """Put partitions back to offset 0 whose position is still the one ``found`` there (a
    replica that got there first, and has applied records since, is left alone)."""
    await conn.execute(
        q(
            "UPDATE {s}.positions AS p SET next_offset = 0 "
            "FROM unnest($1::text[], $2::int[], $3::bigint[]) AS x(t, pa, n) "
            "WHERE p.topic = x.t AND p.partition = x.pa AND p.next_offset = x.n",
            schema,
        ),
        [t for t, _ in found],
        [p for _, p in found],
        list(found.values()),
    )


async def first_seen(conn: Connection, schema: str, ids: Sequence[Any]) -> set[Any]:
    """The ids never applied before (and now recorded as applied)."""
    rows = await conn.fetch(
        q(
            "INSERT INTO {s}.applied_events SELECT unnest($1::uuid[]) "
            "ON CONFLICT DO NOTHING RETURNING id",
            schema,
        ),
        sorted(ids),  # in one order, so that replicas applying at once never deadlock
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
    """Remove the subject from every table of the view, deny it and every aggregate an event
    named it in, and record the erasure.

    The aggregates: those linked to the subject, and those of its steps (every event that
    names a subject is a step). A replay applies the erasure first and then denies the
    aggregate of each event naming the subject as it comes: the same list.
    """
    rows = await conn.fetch(
        q(
            "SELECT aggregate_id FROM {s}.subject_links WHERE subject_ref = $1 "
            "UNION SELECT aggregate_id FROM {s}.steps WHERE subject_ref = $1",
            schema,
        ),
        subject_ref,
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
