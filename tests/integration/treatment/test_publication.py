"""A referral.sent event is published exactly once on the treatment topic, with the caller's
organisation in ``ce_actororg`` and the referral id as key, even when posted twice.

No timing: after the events under test, a later event about the same referral (same key,
so the same partition, and later in the outbox) is posted; once it is read, everything
before it has been published, and the records before it are counted.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from samverkan_contracts.events import treatment as t
from samverkan_contracts.topics import TREATMENT
from tests.integration.treatment.api import CENTRAL, Api, Loop, accepted, event, refused, today
from tests.stack import STACK

pytestmark = pytest.mark.integration

#: Only a bound on a broken relay: nothing is asserted about how fast records arrive.
GIVE_UP_SECONDS = 30


@pytest.fixture
async def consumer() -> AsyncIterator[Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def end_offsets(consumer: Any) -> dict[Any, int]:
    partitions = [TopicPartition(TREATMENT.name, p) for p in range(TREATMENT.partitions)]
    offsets: dict[Any, int] = await consumer.end_offsets(partitions)
    return offsets


async def records_until(consumer: Any, start: dict[Any, int], last_id: str) -> list[Any]:
    """Every record after ``start`` up to the one whose ``ce_id`` is ``last_id``."""
    consumer.assign(list(start))
    for partition, offset in start.items():
        consumer.seek(partition, offset)
    seen: list[Any] = []
    give_up = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < give_up:
        batches = await consumer.getmany(timeout_ms=1000)
        for records in batches.values():
            seen.extend(records)
        if any(dict(r.headers).get("ce_id") == last_id.encode() for r in seen):
            return seen
    pytest.fail(f"the event {last_id} never reached {TREATMENT.name}")


def with_id(records: list[Any], event_id: str) -> list[Any]:
    return [r for r in records if dict(r.headers).get("ce_id") == event_id.encode()]


async def test_sent_lands_once_with_actor_and_key_even_when_posted_twice(
    api: Api, consumer: Any
) -> None:
    start = await end_offsets(consumer)
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    sent = event(loop.sent(await loop.record_consent()), org="kungsholmen")
    first = await api.send(sent, org="kungsholmen")
    again = await api.send(sent, org="kungsholmen")
    accepted(first)
    assert (
        (again.status_code, again.json())
        == (202, first.json())
        == (202, {"accepted": [sent["id"]]})
    )

    received = event(loop.step_data("received"), org=CENTRAL, district="kungsholmen")
    accepted(await api.send(received, org=CENTRAL))
    accepted(await api.send(received, org=CENTRAL))
    state = await loop.state()
    assert state["status"] == "received"
    assert set(state["steps"]) == {"sent", "received"}

    marker = event(loop.step_data("withdrawn"), org="kungsholmen")
    accepted(await api.send(marker, org="kungsholmen"))
    records = await records_until(consumer, start, marker["id"])

    [record] = with_id(records, sent["id"])
    headers = dict(record.headers)
    assert record.key == str(loop.referral_id).encode()
    assert headers["ce_actororg"] == b"kungsholmen"
    assert headers["ce_type"] == b"se.stockholm.samverkan.treatment.referral.sent.v1"
    assert headers["ce_district"] == b"kungsholmen"
    assert headers["ce_subject"] == str(loop.referral_id).encode()
    assert len(with_id(records, received["id"])) == 1
    [received_record] = with_id(records, received["id"])
    assert dict(received_record.headers)["ce_actororg"] == CENTRAL.encode()

    async with api.pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM inbox WHERE id = $1", first.json()["accepted"][0]
            )
            == 1
        )
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE aggregateid = $1", str(loop.referral_id)
            )
            == 3
        )


async def test_an_event_id_reused_for_other_content_is_a_conflict(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    sent = event(loop.sent(), org="kungsholmen")
    accepted(await api.send(sent, org="kungsholmen"))
    changed = sent | {"data": sent["data"] | {"urgency": "urgent"}}
    refused(await api.send(changed, org="kungsholmen"), 409)
    assert (await loop.state())["urgency"] == "routine"


async def test_a_batch_is_applied_all_or_nothing(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent = t.ConsentRecorded(
        consent_id=uuid.uuid4(),
        subject_ref=loop.subject_ref,
        granting_organisation="kungsholmen",
        recipients=(CENTRAL,),
        purpose=t.ConsentPurpose.REFERRAL,
        given_on=today(),
        valid_until=today(),
    )
    failing = [event(consent, org="kungsholmen"), event(loop.sent(uuid.uuid4()), org="kungsholmen")]
    refused(await api.send_batch(failing, org="kungsholmen"), 409)
    batch = [
        event(consent, org="kungsholmen"),
        event(loop.sent(consent.consent_id), org="kungsholmen"),
    ]
    response = await api.send_batch(batch, org="kungsholmen")
    accepted(response)
    assert response.json() == {"accepted": [batch[0]["id"], batch[1]["id"]]}
    assert (await loop.state())["consent_id"] == str(consent.consent_id)
