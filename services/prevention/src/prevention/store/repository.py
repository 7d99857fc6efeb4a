"""SQL of the prevention service."""

from __future__ import annotations

from collections.abc import Sequence
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


async def training_status(conn: Connection, key: UUID) -> TrainingStatus | None:
    status = await conn.fetchval(
        "SELECT status FROM trainings WHERE training_key = $1 FOR UPDATE", key
    )
    return TrainingStatus(status) if status else None


async def add_request(conn: Connection, district: str, r: TrainingRequested) -> None:
    await conn.execute(
        "INSERT INTO trainings (training_key, district, requested_by, topic, audience, status) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        r.request_id,
        district,
        r.requested_by,
        r.topic.value,
        r.audience.value,
        TrainingStatus.REQUESTED.value,
    )


async def save_delivery(conn: Connection, key: UUID, district: str, d: TrainingDelivered) -> None:
    await conn.execute(
        "INSERT INTO trainings (training_key, district, topic, audience, status, delivered_on, "
        "participants) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (training_key) DO UPDATE "
        "SET status = $5, delivered_on = $6, participants = $7",
        key,
        district,
        d.topic.value,
        d.audience.value,
        TrainingStatus.DELIVERED.value,
        d.delivered_on,
        d.participants,
    )
