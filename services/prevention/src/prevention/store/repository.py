"""SQL of the prevention service."""

from __future__ import annotations

from uuid import UUID

from prevention.domain.trainings import TrainingStatus
from samverkan_common.db import Connection
from samverkan_contracts.events.prevention import ActivityHeld, TrainingDelivered, TrainingRequested


async def add_activity(conn: Connection, district: str, actororg: str, a: ActivityHeld) -> None:
    await conn.execute(
        "INSERT INTO activities VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        a.activity_id,
        district,
        actororg,
        a.held_on,
        a.setting.value,
        a.topic.value,
        a.participants,
        a.age_band.value,
    )


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
