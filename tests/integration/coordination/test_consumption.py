"""Consumption on the real stack: every area lands in its views; duplicates, rewound offsets
and out-of-order events change nothing they should not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiokafka.structs import TopicPartition
from coordination.consumer import ProjectionConsumer
from coordination.store.schema import live_schema, positions, q
from fastapi import FastAPI

from samverkan_contracts.events import plans
from samverkan_contracts.events import treatment as t
from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import Publish, eventually, in_view

pytestmark = pytest.mark.integration


async def counts_on(pool: asyncpg.Pool, day: object) -> dict[tuple[str, str], int]:
    rows = await in_view(
        pool, "SELECT district, family, n FROM {s}.event_counts WHERE day = $1", day
    )
    return {(r["district"], r["family"]): r["n"] for r in rows}


async def test_events_from_all_four_areas_appear_in_their_views(
    pool: asyncpg.Pool, publish: Publish
) -> None:
    day = f.random_day()
    who = f.subject()
    sent = f.referral_sent("kista", who)
    consultation = f.consultation("rinkeby", datetime.now(UTC) + timedelta(days=2))
    suspicion = f.suspicion(who)
    plan = f.plan(plans.OutreachPlanUpdated, plans.PlanStatus.ADOPTED, day + timedelta(days=400))
    events = [
        f.event(f.activity(day), "kista", time=f.at(day)),
        f.event(f.contact(who, f.at(day)), "kista", time=f.at(day)),
        f.event(sent, "kista", time=f.at(day)),
        f.event(consultation, "rinkeby", time=f.at(day)),
        f.event(suspicion, "kista", actororg=f.CENTRAL, time=f.at(day)),
        f.event(plan, "kista", time=f.at(day)),
    ]
    await publish(events)

    async def all_there() -> bool:
        return sum((await counts_on(pool, day)).values()) == len(events)

    await eventually(all_there)
    assert await counts_on(pool, day) == {
        ("kista", "prevention.activity.held"): 1,
        ("kista", "outreach.contact.made"): 1,
        ("kista", "treatment.referral.sent"): 1,
        ("rinkeby", "treatment.consultation.requested"): 1,
        ("kista", "trafficking.suspicion.registered"): 1,
        ("kista", "outreach.plan.updated"): 1,
    }
    [referral] = await in_view(
        pool, "SELECT * FROM {s}.referrals WHERE referral_id = $1", sent.referral_id
    )
    assert (referral["from_org"], referral["to_org"], referral["subject_ref"]) == (
        "kista", f.CENTRAL, who,
    )  # fmt: skip
    [c] = await in_view(
        pool, "SELECT * FROM {s}.consultations WHERE consultation_id = $1",
        consultation.consultation_id,
    )  # fmt: skip
    assert (c["district"], c["answered_at"]) == ("rinkeby", None)
    [case] = await in_view(pool, "SELECT * FROM {s}.cases WHERE case_id = $1", suspicion.case_id)
    assert case["indicators"] == ["debt_bondage"]
    [p] = await in_view(pool, "SELECT * FROM {s}.plans WHERE plan_id = $1", plan.plan_id)
    assert (p["area"], p["status"]) == ("outreach", "adopted")
    steps = await in_view(
        pool, "SELECT family FROM {s}.steps WHERE subject_ref = $1 ORDER BY family", who
    )
    assert [s["family"] for s in steps] == [
        "outreach.contact.made",
        "trafficking.suspicion.registered",
        "treatment.referral.sent",
    ]


async def test_out_of_order_steps_of_one_referral_end_in_the_right_state(
    pool: asyncpg.Pool, publish: Publish
) -> None:
    sent = f.referral_sent("kista", f.subject())
    rid = sent.referral_id
    accepted = t.ReferralAccepted(referral_id=rid, accepted_by=f.CENTRAL)
    received = t.ReferralReceived(referral_id=rid, received_by=f.CENTRAL)
    now = datetime.now(UTC)
    await publish([
        f.event(accepted, "kista", actororg=f.CENTRAL, time=now),
        f.event(received, "kista", actororg=f.CENTRAL, time=now - timedelta(hours=1)),
        f.event(sent, "kista", time=now - timedelta(hours=2)),
    ])  # fmt: skip

    async def complete() -> bool:
        rows = await in_view(pool, "SELECT sent_at FROM {s}.referrals WHERE referral_id=$1", rid)
        return bool(rows) and rows[0]["sent_at"] is not None

    await eventually(complete)
    [row] = await in_view(pool, "SELECT * FROM {s}.referrals WHERE referral_id = $1", rid)
    assert row["sent_at"] < row["received_at"] < row["accepted_at"]
    assert row["district"] == "kista"


async def test_the_same_event_sent_twice_counts_once(pool: asyncpg.Pool, publish: Publish) -> None:
    day = f.random_day()
    once = f.event(f.activity(day), "bromma", time=f.at(day))
    marker = f.event(f.activity(day), "farsta", time=f.at(day))
    await publish([once, once, once, marker])

    async def marker_seen() -> bool:
        return ("farsta", "prevention.activity.held") in await counts_on(pool, day)

    await eventually(marker_seen)
    assert await counts_on(pool, day) == {
        ("bromma", "prevention.activity.held"): 1,
        ("farsta", "prevention.activity.held"): 1,
    }


async def test_rewound_offsets_change_no_count(
    app: FastAPI, pool: asyncpg.Pool, publish: Publish
) -> None:
    day = f.random_day()
    events = [f.event(f.activity(day), "vantor", time=f.at(day)) for _ in range(20)]
    sent = await publish(events)

    async def all_counted() -> bool:
        return (await counts_on(pool, day)).get(("vantor", "prevention.activity.held")) == 20

    await eventually(all_counted)
    consumer: ProjectionConsumer = app.state.consumer
    rewound_before = consumer.rewound
    first = {TopicPartition(m.topic, m.partition): m.offset for m in reversed(sent)}
    for tp, offset in first.items():
        consumer.rewind(tp, offset)

    async def read_again() -> bool:
        return consumer.rewound - rewound_before >= len(events)

    await eventually(read_again, what="the rewound consumer")
    # Records after the rewound ones are read again too; one more marker proves all are past.
    marker = f.event(f.activity(day), "farsta", time=f.at(day))
    await publish([marker])

    async def marker_seen() -> bool:
        return ("farsta", "prevention.activity.held") in await counts_on(pool, day)

    await eventually(marker_seen)
    assert await counts_on(pool, day) == {
        ("vantor", "prevention.activity.held"): 20,
        ("farsta", "prevention.activity.held"): 1,
    }


async def test_a_log_younger_than_the_view_is_read_again_from_its_beginning(
    app: FastAPI, pool: asyncpg.Pool, publish: Publish
) -> None:
    """Kafka's data replaced under a view (a new broker, a topic made anew): the stored
    positions point past the end of the log. Without care every new record would be dropped
    as already applied; instead the partitions are read from their beginning, and what the
    view applied before counts once."""
    day = f.random_day()
    [first] = await publish([f.event(f.contact(None, f.at(day)), "vantor", time=f.at(day))])
    family = ("vantor", "outreach.contact.made")

    async def counted(n: int) -> bool:
        return (await counts_on(pool, day)).get(family) == n

    await eventually(lambda: counted(1))
    async with pool.acquire() as conn:
        schema = await live_schema(conn)
        assert schema is not None
        await conn.execute(
            q(
                "UPDATE {s}.positions SET next_offset = next_offset + 1000000 WHERE topic = $1",
                schema,
            ),
            first.topic,
        )
    consumer: ProjectionConsumer = app.state.consumer
    partitions = [TopicPartition(first.topic, p) for p in range(3)]
    await consumer.seek_to_stored(partitions)
    await publish([f.event(f.contact(None, f.at(day)), "vantor", time=f.at(day))])

    # The whole topic is read again: a development stack that ran the benchmark holds
    # hundreds of thousands of records on it (a fresh one, a handful).
    await eventually(lambda: counted(2), seconds=600)
    async with pool.acquire() as conn:
        stored = await positions(conn, schema)
    assert [n for (topic, _), n in stored.items() if topic == first.topic and n >= 1000000] == []
