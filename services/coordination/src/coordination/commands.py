"""The other commands: verify the audit chain, request an erasure."""

from __future__ import annotations

import sys
from typing import TextIO
from uuid import UUID

from coordination.domain.audit import Broken, verify
from coordination.settings import Settings
from coordination.store import audit
from samverkan_common.db import Connection, create_pool
from samverkan_common.kafka import create_producer
from samverkan_contracts.envelope import new_event, to_kafka
from samverkan_contracts.events.privacy import ErasureReason, SubjectErasureRequested


async def verify_audit(settings: Settings, out: TextIO = sys.stdout) -> int:
    """Check the whole chain; 0 when intact, 1 naming the first broken link."""
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            checked, broken = await _verify(conn)
    finally:
        await pool.close()
    if broken is None:
        out.write(f"audit chain intact: {checked} records verified\n")
        return 0
    out.write(
        f"audit chain BROKEN at record {broken.seq}: {broken.reason} "
        f"({checked} records before it verified)\n"
    )
    return 1


async def _verify(conn: Connection) -> tuple[int, Broken | None]:
    return verify([item async for item in audit.chain(conn)])


async def erase(
    settings: Settings,
    subject_ref: str,
    reason: ErasureReason,
    requested_by: str,
    out: TextIO = sys.stdout,
) -> UUID:
    """Publish an erasure request on the compacted erasures topic; the view applies it."""
    data = SubjectErasureRequested(
        subject_ref=subject_ref, reason=reason, requested_by=requested_by
    )
    event = new_event(
        data, source="/coordination/erase", district=requested_by, actororg=requested_by
    )
    record = to_kafka(event)
    producer = create_producer(settings.kafka_bootstrap, client_id="coordination-erase")
    await producer.start()
    try:
        await producer.send_and_wait(
            event.spec.topic.name, record.value, key=record.key, headers=record.headers
        )
    finally:
        await producer.stop()
    out.write(f"erasure requested: event {event.id} on {event.spec.topic.name}\n")
    return event.id
