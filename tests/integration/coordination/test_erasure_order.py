"""An erasure leaves the same view whether the subject's events came before it (the live
view) or after it (a replay reads the erasures topic first): the deny-list holds the same
aggregates either way, so a replay's checksum agrees with the live view's."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

import pytest
from coordination.domain.erasure import aggregate_digest
from coordination.domain.records import Record
from coordination.projection import apply_batch, in_transaction
from coordination.replay import CountingSink
from coordination.store.schema import checksum, q

from samverkan_common.db import Connection
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import scratch_view

pytestmark = pytest.mark.integration


class Topics:
    """Records with each topic's offsets counting up, as the broker gives them."""

    def __init__(self) -> None:
        self.offsets: dict[str, count[int]] = {}

    def records(self, events: Sequence[CloudEvent[EventData]]) -> list[Record]:
        out = []
        for event in events:
            topic, kafka = f.record(event)
            offset = next(self.offsets.setdefault(topic, count()))
            out.append(Record(topic, 0, offset, None, kafka.key, kafka.value, kafka.headers))
        return out


async def _apply(conn: Connection, schema: str, records: list[Record]) -> None:
    async def work(*, careful: bool) -> None:
        await apply_batch(conn, schema, records, CountingSink(), careful=careful)

    await in_transaction(conn, work)


async def test_the_subjects_events_before_or_after_its_erasure_leave_the_same_view() -> None:
    who = f.subject()
    day = f.random_day()
    consent = f.consent(who, "kista", ("socialtjanst",))
    contact = f.contact(who, f.at(day))
    named = [
        f.event(consent, "kista"),  # keyed by the subject itself, as a contact is: no link
        f.event(contact, "kista", time=f.at(day)),
        f.event(f.suspicion(who), "kista", actororg=f.CENTRAL),
        f.event(f.referral_sent("kista", who, consent_id=consent.consent_id), "kista"),
    ]
    erasure = [f.event(f.erasure(who), "kista", actororg=f.CENTRAL)]
    live, replayed = Topics(), Topics()
    async with scratch_view() as (conn_a, live_view), scratch_view() as (conn_b, replay_view):
        await _apply(conn_a, live_view, live.records(named))
        await _apply(conn_a, live_view, live.records(erasure))
        await _apply(conn_b, replay_view, replayed.records(erasure))
        await _apply(conn_b, replay_view, replayed.records(named))
        denied = await conn_a.fetchval(
            q("SELECT count(*) FROM {s}.erased WHERE digest = $1", live_view),
            aggregate_digest(who),
        )
        assert denied == 1
        assert await checksum(conn_a, live_view) == await checksum(conn_b, replay_view)
