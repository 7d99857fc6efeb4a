"""SQL of the prevention service."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from prevention.domain.trainings import TrainingStatus
from samverkan_common.db import Connection
from samverkan_contracts.events.prevention import ActivityHeld, TrainingDelivered, TrainingRequested


async def add_activities(
    conn: Connection, activities: Sequence[tuple[str, str, ActivityHeld]]
) -> set[UUID]:
    """Record (district, actororg, activity) rows in one statement; the ids added (an id
    already taken, before or earlier in the same rows, is not)."""
    rows = await conn.fetch(
        "INSERT INTO activities SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], "
        "$4::date[], $5::text[], $6::text[], $7::integer[], $8::text[]) "
        "ON CONFLICT (activity_id) DO NOTHING RETURNING activity_id",
        [a.activity_id for _, _, a in activities],
        [district for district, _, _ in activities],
        [actororg for _, actororg, _ in activities],
        [a.held_on for _, _, a in activities],
        [a.setting.value for _, _, a in activities],
        [a.topic.value for _, _, a in activities],
        [a.participants for _, _, a in activities],
        [a.age_band.value for _, _, a in activities],
    )
    return {row["activity_id"] for row in rows}


async def training_statuses(conn: Connection, keys: Iterable[UUID]) -> dict[UUID, TrainingStatus]:
    """The status of each training of ``keys`` that exists, locked for the transaction."""
    rows = await conn.fetch(
        "SELECT training_key, status FROM trainings WHERE training_key = ANY($1::uuid[]) "
        "ORDER BY training_key FOR UPDATE",
        sorted(set(keys)),
    )
    return {row["training_key"]: TrainingStatus(row["status"]) for row in rows}


async def add_requests(conn: Connection, requests: Sequence[tuple[str, TrainingRequested]]) -> None:
    """Record (district, request) rows in one statement."""
    await conn.execute(
        "INSERT INTO trainings (training_key, district, requested_by, topic, audience, status) "
        "SELECT k, d, r, t, a, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], "
        "$5::text[]) AS x(k, d, r, t, a)",
        [r.request_id for _, r in requests],
        [district for district, _ in requests],
        [r.requested_by for _, r in requests],
        [r.topic.value for _, r in requests],
        [r.audience.value for _, r in requests],
        TrainingStatus.REQUESTED.value,
    )


async def save_deliveries(
    conn: Connection, deliveries: Sequence[tuple[UUID, str, TrainingDelivered]]
) -> None:
    """Record (training key, district, delivery) rows in one statement: a requested training
    becomes delivered, one nobody requested is added as delivered. Each key once."""
    await conn.execute(
        "INSERT INTO trainings (training_key, district, topic, audience, status, delivered_on, "
        "participants) SELECT k, d, t, a, $7, o, p FROM unnest($1::uuid[], $2::text[], "
        "$3::text[], $4::text[], $5::date[], $6::integer[]) AS x(k, d, t, a, o, p) "
        "ON CONFLICT (training_key) DO UPDATE SET status = excluded.status, "
        "delivered_on = excluded.delivered_on, participants = excluded.participants",
        [key for key, _, _ in deliveries],
        [district for _, district, _ in deliveries],
        [d.topic.value for _, _, d in deliveries],
        [d.audience.value for _, _, d in deliveries],
        [d.delivered_on for _, _, d in deliveries],
        [d.participants for _, _, d in deliveries],
        TrainingStatus.DELIVERED.value,
    )
