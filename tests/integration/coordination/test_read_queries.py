"""The read API's SQL answers exactly as the Python rules do on the same rows: the overview's
consultation figures (waiting count, median response time over a window, with ties, odd and
even counts and empty districts), and the alert queries' narrowing to what the rules keep.

Each example is written into a fresh, empty view schema of its own (never the live one)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import astuple
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from coordination import reads
from coordination.domain import rules
from coordination.store import queries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.coordination.conftest import scratch_view

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DISTRICTS = ["kista", "rinkeby", "bromma"]
EXAMPLES = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Few distinct moments and response times, so that ties are common; microseconds and
# negative responses (an answer recorded before the request) included.
MOMENTS = [NOW - timedelta(days=d, hours=h) for d in (1, 30, 400) for h in (0, 5)]
_moments = st.sampled_from(MOMENTS)
_responses = st.sampled_from(
    [timedelta(hours=h) for h in (1, 2, 3, 24, 0.05, -1)]
    + [timedelta(microseconds=1), timedelta(hours=1, microseconds=7), timedelta(minutes=3)]
)
_maybe = st.sampled_from([None, *MOMENTS])


@st.composite
def consultation(draw: st.DrawFn) -> rules.Consultation:
    requested_at = draw(_maybe)
    answered = draw(st.sampled_from([True, True, False]))
    answered_at = (
        (requested_at + draw(_responses) if requested_at is not None else draw(_moments))
        if answered
        else None
    )
    return rules.Consultation(
        consultation_id=str(uuid.uuid4()),
        district=draw(st.sampled_from([*DISTRICTS, *DISTRICTS, "farsta", None])),
        requested_by=draw(st.sampled_from(["kista", "socialtjanst", None])),
        requested_of="socialtjanst",
        question="assessment",
        respond_by=draw(_maybe),
        requested_at=requested_at,
        answered_at=answered_at,
        closed_at=draw(_maybe),
    )


@pytest.fixture(scope="module")
async def scratch() -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    """A connection and an empty view schema of this module's own (dropped after)."""
    async with scratch_view() as pair:
        yield pair


async def _write(conn: asyncpg.Connection, schema: str, rows: list[rules.Consultation]) -> None:
    await conn.execute(f"TRUNCATE {schema}.consultations")
    await conn.copy_records_to_table(
        "consultations",
        schema_name=schema,
        columns=list(rules.Consultation.__dataclass_fields__),
        records=[(uuid.UUID(c.consultation_id), *astuple(c)[1:]) for c in rows],
    )


@EXAMPLES
@given(
    rows=st.lists(consultation(), max_size=60),
    shown=st.lists(st.sampled_from(DISTRICTS), min_size=1, unique=True),
    window_days=st.sampled_from([1, 29, 365, 1000]),
)
async def test_the_overview_figures_are_the_rules_on_the_same_rows(
    scratch: tuple[asyncpg.Connection, str],
    rows: list[rules.Consultation],
    shown: list[str],
    window_days: int,
) -> None:
    conn, schema = scratch
    await _write(conn, schema, rows)
    since = NOW - timedelta(days=window_days)
    figures = await queries.consultation_figures(conn, schema, shown, since)
    assert set(figures) <= set(shown)
    for district in shown:
        mine = [c for c in rows if c.district == district]
        answered = [c for c in mine if c.answered_at is not None and c.answered_at > since]
        expected = (sum(c.waiting for c in mine), rules.median_response_hours(answered))
        assert reads.consultation_summary(figures.get(district)) == expected


async def test_the_overview_figures_of_no_consultations(
    scratch: tuple[asyncpg.Connection, str],
) -> None:
    conn, schema = scratch
    await _write(conn, schema, [])
    assert await queries.consultation_figures(conn, schema, DISTRICTS, NOW) == {}
    assert reads.consultation_summary(None) == (0, None)


@EXAMPLES
@given(rows=st.lists(consultation(), max_size=40), scope=st.sampled_from([None, ["kista"]]))
async def test_due_consultations_are_the_waiting_ones_past_their_response_time(
    scratch: tuple[asyncpg.Connection, str],
    rows: list[rules.Consultation],
    scope: list[str] | None,
) -> None:
    conn, schema = scratch
    await _write(conn, schema, rows)
    every = await queries.consultations(conn, schema, scope, waiting_only=False)
    due = await queries.consultations(conn, schema, scope, waiting_only=True, due_before=NOW)
    expected = {
        r["consultation_id"]
        for r in every
        if r["answered_at"] is None
        and r["closed_at"] is None
        and r["respond_by"] is not None
        and r["respond_by"] < NOW
    }
    assert {r["consultation_id"] for r in due} == expected
    waiting = await queries.consultations(conn, schema, scope, waiting_only=True)
    assert {r["consultation_id"] for r in waiting} == {
        r["consultation_id"] for r in every if r["answered_at"] is None and r["closed_at"] is None
    }


_REFERRAL_STEPS = ("sent_at", "received_at", "accepted_at", "declined_at", "completed_at",
                   "withdrawn_at")  # fmt: skip


ACK_HOURS = {"urgent": 24, "routine": 48, "housing": 5}  # routine's differs from the default
DEADLINES = rules.Deadlines(ACK_HOURS, {"default": 180}, (0, 48))
_sent_ago = st.sampled_from(
    [timedelta(hours=h) for h in (0, 5, 23, 24, 25, 47, 48, 49, 71, 72, 73, 100)]
    + [timedelta(hours=h, microseconds=m) for h in (24, 48, 72) for m in (-1, 1)]
)


@st.composite
def referral(draw: st.DrawFn) -> rules.Referral:
    # At least one step: every row of the view comes from an event of one.
    reached = draw(
        st.just(["sent_at"])  # the status the acknowledgement rule is about, often
        | st.lists(st.sampled_from(_REFERRAL_STEPS), min_size=1, unique=True)
    )
    moments = {step: NOW - draw(_sent_ago) if step in reached else None for step in _REFERRAL_STEPS}
    return rules.Referral(
        referral_id=str(uuid.uuid4()),
        district=None,
        from_org=draw(st.sampled_from(["kista", "rinkeby"])),
        to_org="socialtjanst",
        service=None,
        urgency=draw(st.sampled_from(["urgent", "routine", "housing", "other", "", None])),
        respond_by=None,
        **moments,  # type: ignore[arg-type]
    )


@EXAMPLES
@given(made=st.lists(referral(), max_size=30), scope=st.sampled_from([None, ["kista"]]))
async def test_the_referral_queries_keep_what_the_rules_keep(
    scratch: tuple[asyncpg.Connection, str], made: list[rules.Referral], scope: list[str] | None
) -> None:
    conn, schema = scratch
    await conn.execute(f"TRUNCATE {schema}.referrals")
    columns = ["referral_id", "from_org", "to_org", "urgency", *_REFERRAL_STEPS]
    await conn.copy_records_to_table(
        "referrals",
        schema_name=schema,
        columns=columns,
        records=[(uuid.UUID(r.referral_id), *(getattr(r, k) for k in columns[1:])) for r in made],
    )
    seen = [r for r in made if scope is None or r.from_org in scope or r.to_org in scope]

    def ids(rows: list[asyncpg.Record]) -> set[str]:
        return {str(r["referral_id"]) for r in rows}

    late = await queries.unacknowledged_referrals(conn, schema, scope, ack_hours=ACK_HOURS, now=NOW)
    assert ids(late) == {r.referral_id for r in seen if rules.unacknowledged(r, DEADLINES, NOW)}
    opened = await queries.referrals(conn, schema, scope, open_only=True)
    assert ids(opened) == {r.referral_id for r in seen if r.status not in rules.CLOSED}
    every = await queries.referrals(conn, schema, scope, open_only=False)
    assert ids(every) == {r.referral_id for r in seen}


async def test_a_full_page_holds_the_oldest_open_or_the_newest_of_all(
    scratch: tuple[asyncpg.Connection, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """More referrals than a page: the open board keeps the longest waiting; with the closed
    ones included, the most recent (a view holds years of closed referrals). Oldest first."""
    conn, schema = scratch
    await conn.execute(f"TRUNCATE {schema}.referrals")
    monkeypatch.setattr(queries, "PAGE_LIMIT", 3)
    sent = [NOW - timedelta(days=d) for d in range(8)]  # newest first
    rows = [(uuid.uuid4(), "kista", "socialtjanst", at, at if i % 2 else None)
            for i, at in enumerate(sent)]  # fmt: skip  # every other one completed
    await conn.copy_records_to_table(
        "referrals",
        schema_name=schema,
        columns=["referral_id", "from_org", "to_org", "sent_at", "completed_at"],
        records=rows,
    )

    def sent_of(page: list[asyncpg.Record]) -> list[datetime]:
        return [r["sent_at"] for r in page]

    opened = await queries.referrals(conn, schema, None, open_only=True)
    assert sent_of(opened) == [sent[6], sent[4], sent[2]]
    every = await queries.referrals(conn, schema, None, open_only=False)
    assert sent_of(every) == [sent[2], sent[1], sent[0]]
