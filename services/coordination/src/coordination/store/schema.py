"""The view's tables, made in a schema of their own so that a replay can build a fresh copy
beside the live one and switch over in one transaction.

Schema names are generated here (``view_<n>``) and checked against a strict pattern before
they are put into SQL text; nothing a caller sends ever becomes part of a name.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Iterable, Sequence

import asyncpg

from samverkan_common.db import Connection

_NAME = re.compile(r"^view_[0-9]{1,9}$")

#: Tables whose rows are the view (the checksum covers these, in this order).
VIEW_TABLES = (
    "event_counts",
    "plans",
    "referrals",
    "consultations",
    "contacts",
    "housing_signals",
    "cases",
    "episodes",
    "consents",
    "subject_links",
    "steps",
    "erased",
    "erasures",
)

_DDL = """
CREATE SCHEMA {s};
CREATE TABLE {s}.positions (
    topic       text    NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL,
    PRIMARY KEY (topic, partition)
);
CREATE TABLE {s}.applied_events (id uuid PRIMARY KEY);
CREATE TABLE {s}.event_counts (
    district text   NOT NULL,
    area     text   NOT NULL,
    family   text   NOT NULL,
    day      date   NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (district, area, family, day)
);
CREATE TABLE {s}.plans (
    plan_id        uuid PRIMARY KEY,
    district       text        NOT NULL,
    area           text        NOT NULL,
    revision       integer     NOT NULL,
    status         text        NOT NULL,
    adopted_on     date,
    next_review_on date        NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE TABLE {s}.referrals (
    referral_id    uuid PRIMARY KEY,
    district       text,
    subject_ref    text,
    from_org       text,
    to_org         text,
    service        text,
    urgency        text,
    respond_by     timestamptz,
    consent_id     uuid,
    legal_basis    text,
    sent_at        timestamptz,
    received_at    timestamptz,
    accepted_at    timestamptz,
    declined_at    timestamptz,
    decline_reason text,
    completed_at   timestamptz,
    outcome        text,
    withdrawn_at   timestamptz
);
CREATE TABLE {s}.consultations (
    consultation_id uuid PRIMARY KEY,
    district        text,
    requested_by    text,
    requested_of    text,
    question        text,
    age_band        text,
    respond_by      timestamptz,
    requested_at    timestamptz,
    answered_at     timestamptz,
    closed_at       timestamptz,
    resolution      text
);
CREATE TABLE {s}.contacts (
    contact_id   uuid PRIMARY KEY,
    subject_ref  text        NOT NULL,
    district     text        NOT NULL,
    arena        text        NOT NULL,
    contacted_at timestamptz NOT NULL
);
CREATE TABLE {s}.housing_signals (
    signal_id   uuid PRIMARY KEY,
    district    text NOT NULL,
    reported_by text NOT NULL,
    observed_on date NOT NULL
);
CREATE TABLE {s}.cases (
    case_id          uuid PRIMARY KEY,
    district         text,
    subject_ref      text,
    opened_at        timestamptz,
    age_band         text,
    origin           text,
    indicators       text[],
    police_report_on date,
    protections      text[] NOT NULL DEFAULT '{{}}',
    reflection_until date,
    closed_on        date,
    outcome          text
);
CREATE TABLE {s}.episodes (
    episode_id  uuid PRIMARY KEY,
    district    text,
    subject_ref text,
    provided_by text,
    kind        text,
    started_on  date,
    ended_on    date,
    end_reason  text
);
CREATE TABLE {s}.consents (
    consent_id   uuid PRIMARY KEY,
    subject_ref  text NOT NULL,
    granting_org text,
    recipients   text[],
    purpose      text,
    given_on     date,
    valid_until  date,
    revoked_on   date
);
CREATE TABLE {s}.subject_links (
    aggregate_id text PRIMARY KEY,
    subject_ref  text NOT NULL
);
CREATE TABLE {s}.steps (
    event_id     uuid PRIMARY KEY,
    subject_ref  text,
    aggregate_id text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    area         text        NOT NULL,
    family       text        NOT NULL,
    district     text        NOT NULL,
    actororg     text        NOT NULL,
    restricted   boolean     NOT NULL,
    data         jsonb       NOT NULL
);
CREATE TABLE {s}.erased (
    digest bytea PRIMARY KEY,
    kind   text NOT NULL
);
CREATE TABLE {s}.erasures (
    subject_digest bytea PRIMARY KEY,
    reason         text        NOT NULL,
    requested_by   text        NOT NULL,
    requested_at   timestamptz NOT NULL,
    event_id       uuid        NOT NULL
);
"""

#: Secondary indexes, named (the names PostgreSQL gives an unnamed index, so views made
#: before they were listed here match): those of erasing a subject, then those of the read
#: API's pages (what is open or waiting, the recent windows). A view made before one was
#: added gets it when the service starts (``ensure_live_view``).
INDEXES = {
    "steps_aggregate_id_idx": "{s}.steps (aggregate_id)",
    "subject_links_subject_ref_idx": "{s}.subject_links (subject_ref)",
    "referrals_subject_ref_idx": "{s}.referrals (subject_ref)",
    "contacts_subject_ref_contacted_at_idx": "{s}.contacts (subject_ref, contacted_at)",
    "cases_subject_ref_idx": "{s}.cases (subject_ref)",
    "episodes_subject_ref_idx": "{s}.episodes (subject_ref)",
    "consents_subject_ref_idx": "{s}.consents (subject_ref)",
    "steps_subject_ref_idx": "{s}.steps (subject_ref)",
    "plans_district_area_idx": "{s}.plans (district, area)",
    "referrals_from_org_idx": "{s}.referrals (from_org)",
    "referrals_to_org_idx": "{s}.referrals (to_org)",
    "consultations_district_idx": "{s}.consultations (district)",
    "housing_signals_district_observed_on_idx": "{s}.housing_signals (district, observed_on)",
    "event_counts_day": "{s}.event_counts (day)",
    "referrals_open": "{s}.referrals (coalesce(sent_at, received_at, accepted_at)) "
    "WHERE completed_at IS NULL AND declined_at IS NULL AND withdrawn_at IS NULL",
    "consultations_waiting": "{s}.consultations (respond_by) "
    "WHERE answered_at IS NULL AND closed_at IS NULL",
    "consultations_answered": "{s}.consultations (answered_at) WHERE answered_at IS NOT NULL",
    "contacts_contacted_at": "{s}.contacts (contacted_at)",
}
#: The indexes applying a batch itself uses: an event of an erased subject erases its
#: aggregate's steps (by aggregate id) even while a replay fills a fresh view.
APPLY_INDEXES = ("steps_aggregate_id_idx",)


def column_types() -> dict[str, dict[str, str]]:
    """Table -> column -> PostgreSQL type, read from the DDL above (its one source)."""
    tables: dict[str, dict[str, str]] = {}
    for block in re.finditer(r"CREATE TABLE \{s\}\.(\w+) \((.*?)\);\n", _DDL, re.DOTALL):
        columns = tables[block.group(1)] = {}
        for line in block.group(2).splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] != "PRIMARY":  # noqa: PLR2004 - name and type
                columns[words[0]] = words[1].rstrip(",")
    return tables


def q(template: str, schema: str) -> str:
    """SQL from a template whose ``{s}`` is the view schema (checked, never a caller's text)."""
    return template.format(s=checked(schema))


def checked(name: str) -> str:
    """The schema name, if it is one of ours; ValueError otherwise."""
    if not _NAME.match(name):
        raise ValueError(f"not a view schema name: {name!r}")
    return name


async def create_view(conn: Connection, *, bulk: bool = False) -> str:
    """Make an empty view in a new schema and return its name (not yet live).

    ``bulk`` (a replay filling it from the topics) leaves out the indexes that only reads
    use: one sorted build of each at the end (:func:`finish_bulk`) costs far less than
    keeping them up to date row by row. The view must not go live before :func:`finish_bulk`.
    """
    generation = await conn.fetchval("SELECT nextval('coordination.view_generation')")
    name = checked(f"view_{generation}")
    async with conn.transaction():
        for statement in _DDL.format(s=name).split(";\n"):
            if statement.strip():
                await conn.execute(statement)
        await prepare(conn, name, APPLY_INDEXES if bulk else tuple(INDEXES))
    return name


async def prepare(conn: Connection, name: str, indexes: Iterable[str] = tuple(INDEXES)) -> None:
    """Make those of ``indexes`` the view lacks (only those: creating an index locks out
    writes) and turn off parallel plans of its tables (the read API's queries take about a
    millisecond, starting parallel workers about ten)."""
    for index in await _missing(conn, name, indexes):
        await conn.execute(_create_index(index, name))
    serial = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind = 'r' "
        "AND 'parallel_workers=0' = ANY(coalesce(c.reloptions, '{}'))",
        name,
    )
    for table in sorted(set(VIEW_TABLES) - {r["relname"] for r in serial}):
        await conn.execute(f"ALTER TABLE {name}.{table} SET (parallel_workers = 0)")


async def _missing(conn: Connection, name: str, indexes: Iterable[str]) -> list[str]:
    present = set(
        await conn.fetchval(
            "SELECT coalesce(array_agg(indexname), '{}') FROM pg_indexes WHERE schemaname = $1",
            checked(name),
        )
    )
    return [index for index in indexes if index not in present]


def _create_index(index: str, name: str) -> str:
    return f"CREATE INDEX {index} ON {INDEXES[index].format(s=checked(name))}"


async def finish_bulk(pool: asyncpg.Pool, name: str, lanes: int = 2) -> None:
    """Build the indexes a bulk view was made without, ``lanes`` at once (each is one core's
    sort; builds on one table share its lock), then its tables' statistics."""
    async with pool.acquire() as conn:
        missing = await _missing(conn, name, INDEXES)

    async def build(share: Sequence[str]) -> None:
        async with pool.acquire() as conn:
            for index in share:
                await conn.execute(_create_index(index, name))

    await asyncio.gather(*(build(missing[i::lanes]) for i in range(lanes)))
    async with pool.acquire() as conn:  # parallel plans were turned off as it was made
        tables = ", ".join(f"{checked(name)}.{t}" for t in ("applied_events", *VIEW_TABLES))
        await conn.execute(f"ANALYZE {tables}")


async def live_schema(conn: Connection) -> str | None:
    """The schema of the live view, or None before the first start."""
    name = await conn.fetchval("SELECT schema_name FROM coordination.live_view")
    return checked(name) if name is not None else None


async def ensure_live_view(conn: Connection) -> str:
    """The live view's schema, made on the very first start."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE coordination.live_view IN EXCLUSIVE MODE")
        name = await live_schema(conn)
        if name is None:
            name = await create_view(conn)
            await conn.execute("INSERT INTO coordination.live_view (schema_name) VALUES ($1)", name)
        else:
            await prepare(conn, name)
    return name


async def switch_live(conn: Connection, name: str) -> None:
    """Make ``name`` the live view (in the caller's transaction)."""
    await conn.execute(
        "UPDATE coordination.live_view SET schema_name = $1, switched_at = clock_timestamp()",
        checked(name),
    )


async def drop_view(conn: Connection, name: str) -> None:
    await conn.execute(f"DROP SCHEMA {checked(name)} CASCADE")


async def view_schemas(conn: Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT nspname FROM pg_namespace WHERE nspname ~ '^view_[0-9]+$' ORDER BY nspname"
    )
    return [r["nspname"] for r in rows]


async def checksum(conn: Connection, name: str) -> str:
    """SHA-256 over every row of every view table, in a canonical order.

    Bookkeeping (positions, applied event ids) is left out: two views built from the same
    records hold the same rows whatever batches they were built in.
    """
    total = hashlib.sha256()
    for table in VIEW_TABLES:
        digest = await conn.fetchval(
            q(
                "SELECT coalesce(encode(sha256(string_agg(t::text, E'\\n' ORDER BY t::text)"  # noqa: S608 - fixed table names
                f"::bytea), 'hex'), '') FROM {{s}}.{table} t",
                name,
            )
        )
        total.update(f"{table}:{digest}\n".encode())
    return total.hexdigest()


async def positions(conn: Connection, name: str) -> dict[tuple[str, int], int]:
    rows = await conn.fetch(q("SELECT topic, partition, next_offset FROM {s}.positions", name))
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
