"""The audit chain reveals tampering; an erasure removes a subject from every table and keeps
it out, also through a replay; a replay rebuilds a view equal to the live one."""

from __future__ import annotations

import io
import uuid

import asyncpg
import pytest
from coordination.commands import erase, verify_audit
from coordination.domain.erasure import subject_digest
from coordination.replay import replay
from coordination.settings import Settings
from coordination.store import audit
from coordination.store.schema import INDEXES, VIEW_TABLES, live_schema
from fastapi import FastAPI

from samverkan_common.db import Connection
from samverkan_contracts.events import treatment as t
from samverkan_contracts.events.privacy import ErasureReason
from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import Publish, eventually, in_view

pytestmark = pytest.mark.integration


async def test_tampering_with_one_audit_row_is_detected(app: FastAPI, pool: asyncpg.Pool) -> None:
    settings: Settings = app.state.settings
    marker = f"tamper test {uuid.uuid4()}"
    async with pool.acquire() as conn:
        records = [
            await audit.append(
                conn,
                actor="test",
                organisation="socialtjanst",
                roles=frozenset({"specialist"}),
                action="journey.read",
                target=f.subject(),
                purpose=marker,
            )
            for _ in range(3)
        ]
    out = io.StringIO()
    assert await verify_audit(settings, out) == 0
    assert "intact" in out.getvalue()

    victim = records[1]
    async with pool.acquire() as conn:
        await _force(
            conn,
            "UPDATE coordination.audit_log SET purpose = 'nothing to see' WHERE seq = $1",
            victim.seq,
        )
        try:
            out = io.StringIO()
            assert await verify_audit(settings, out) == 1
            assert f"BROKEN at record {victim.seq}:" in out.getvalue()
        finally:
            await _force(
                conn,
                "UPDATE coordination.audit_log SET purpose = $2 WHERE seq = $1",
                victim.seq,
                marker,
            )
    assert await verify_audit(settings, io.StringIO()) == 0


async def _force(conn: Connection, sql: str, *args: object) -> None:
    """Change the append-only table as an attacker with the owner's rights would."""
    async with conn.transaction():
        await conn.execute(
            "ALTER TABLE coordination.audit_log DISABLE TRIGGER audit_log_append_only"
        )
        await conn.execute(sql, *args)
        await conn.execute(
            "ALTER TABLE coordination.audit_log ENABLE TRIGGER audit_log_append_only"
        )


async def subject_rows(pool: asyncpg.Pool, who: str) -> int:
    """Rows of any view table that mention the subject, by reference or by text."""
    n = 0
    for table in VIEW_TABLES:
        rows = await in_view(
            pool,
            f"SELECT count(*) FROM {{s}}.{table} x "  # noqa: S608 - fixed names
            "WHERE x::text LIKE '%' || $1 || '%'",
            who,
        )
        n += int(rows[0]["count"])
    return n


async def test_erasure_removes_the_subject_everywhere_and_a_replay_keeps_it_out(
    app: FastAPI, pool: asyncpg.Pool, publish: Publish
) -> None:
    settings: Settings = app.state.settings
    who = f.subject()
    day = f.random_day()
    consent = f.consent(who, "kista", ("socialtjanst",))
    referral = f.referral_sent("kista", who, consent_id=consent.consent_id)
    episode = t.TreatmentStarted(
        episode_id=uuid.uuid4(),
        subject_ref=who,
        provided_by=f.CENTRAL,
        kind=t.TreatmentKind.COUNSELLING,
        started_on=day,
    )
    before = [
        f.event(consent, "kista"),
        f.event(referral, "kista"),
        f.event(f.contact(who, f.at(day)), "kista", time=f.at(day)),
        f.event(f.suspicion(who), "kista", actororg=f.CENTRAL),
        f.event(episode, "kista", actororg=f.CENTRAL),
    ]
    await publish(before)

    async def present() -> bool:
        return await subject_rows(pool, who) >= len(before)

    await eventually(present)
    await erase(settings, who, ErasureReason.SUBJECT_REQUEST, f.CENTRAL, io.StringIO())

    async def erased() -> bool:
        rows = await in_view(
            pool, "SELECT 1 FROM {s}.erasures WHERE subject_digest = $1", subject_digest(who)
        )
        return bool(rows)

    await eventually(erased, what="the erasure")
    assert await subject_rows(pool, who) == 0
    # Late events: an accepted (which names no subject) and a new contact stay out.
    late = [
        f.event(
            t.ReferralAccepted(referral_id=referral.referral_id, accepted_by=f.CENTRAL),
            "kista",
            actororg=f.CENTRAL,
        ),
        f.event(f.contact(who, f.at(day)), "kista", time=f.at(day)),
        f.event(f.activity(day), "alvsjo", time=f.at(day)),
    ]
    await publish(late)

    async def late_applied() -> bool:
        rows = await in_view(
            pool, "SELECT count(*) FROM {s}.applied_events WHERE id = ANY($1)", [e.id for e in late]
        )
        return int(rows[0]["count"]) == len(late)

    await eventually(late_applied)
    assert await subject_rows(pool, who) == 0
    rows = await in_view(
        pool, "SELECT 1 FROM {s}.referrals WHERE referral_id = $1", referral.referral_id
    )
    assert rows == []

    # The replay rebuilds an equal view (checksums), prints its rate, and keeps the subject out.
    async with pool.acquire() as conn:
        old = await live_schema(conn)
    out = io.StringIO()
    report = await replay(settings, out=out)
    printed = out.getvalue()
    assert report.switched
    assert report.live_checksum == report.rebuilt_checksum
    assert "records/s" in printed
    assert "100.0%" in printed
    async with pool.acquire() as conn:
        assert await live_schema(conn) == report.schema != old
        # Built without its read indexes, the new view has every one before going live.
        names = await conn.fetchval(
            "SELECT array_agg(indexname) FROM pg_indexes WHERE schemaname = $1", report.schema
        )
        assert set(INDEXES) <= set(names)
    assert await subject_rows(pool, who) == 0
    # The live consumer goes on in the new view.
    marker = f.event(f.activity(day), "skarholmen", time=f.at(day))
    await publish([marker])

    async def marker_seen() -> bool:
        rows = await in_view(pool, "SELECT 1 FROM {s}.applied_events WHERE id = $1", marker.id)
        return bool(rows)

    await eventually(marker_seen)
