"""A valid personnummer in free text is refused, and afterwards it is nowhere: not in the
answer, not in any table of the service's database, not on its Kafka topic."""

from __future__ import annotations

import random
import uuid

import httpx

from samverkan_contracts.idnumbers import luhn_check_digit
from tests.support.db import connect
from tests.support.events import BATCH, STRUCTURED, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.tokens import org_token

TOPIC = "samverkan.prevention.v1"


def fresh_personnummer() -> tuple[str, str]:
    """A random valid number: (12 digits, the 10-digit form with a dash)."""
    rng = random.SystemRandom()
    year, month, day = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{year % 100:02d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    digits = body + str(luhn_check_digit(body))
    return f"{year // 100}{digits}", f"{digits[:6]}-{digits[6:]}"


async def test_identity_number_is_refused_and_never_stored_or_forwarded(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    twelve, ten = fresh_personnummer()
    event = sample("se.stockholm.samverkan.prevention.activity.held.v1")
    event["district"] = "kista"
    event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
    event["data"]["description"] = f"Samtal med elev {ten} om grooming"
    clean = sample("se.stockholm.samverkan.prevention.activity.held.v1")
    clean["district"] = "kista"
    clean["data"]["activity_id"] = clean["subject"] = str(uuid.uuid4())
    start = await end_offsets(TOPIC)

    headers = {"authorization": f"Bearer {token}"}
    single = await service.post("/events", json=event, headers=STRUCTURED | headers)
    batch = await service.post("/events", json=[clean, event], headers=BATCH | headers)

    assert single.status_code == batch.status_code == 400
    assert [e["path"] for e in single.json()["errors"]] == ["$.data.description"]
    assert [e["path"] for e in batch.json()["errors"]] == ["$[1].data.description"]
    for response in (single, batch):
        assert twelve[2:8] not in response.text
        assert twelve[-4:] not in response.text

    conn = await connect("prevention")
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        dumped = ""
        for row in tables:
            name = row["tablename"]
            dumped += str(await conn.fetch(f'SELECT t::text FROM "{name}" t'))  # noqa: S608 - catalogue names
    finally:
        await conn.close()
    assert len(tables) >= 5
    assert event["subject"] not in dumped  # the refused event left no row at all
    assert clean["subject"] not in dumped  # nor did the good event of the refused batch
    for form in (twelve, ten, ten.replace("-", ""), twelve[2:]):
        assert form not in dumped

    records = await records_since(
        start,
        keys={event["subject"].encode(), clean["subject"].encode()},
        expected=0,
        timeout_ms=3_000,
    )
    assert records == []
    published = "".join(
        repr((r.key, r.value, r.headers))
        for r in await records_since(start, keys=None, expected=0, timeout_ms=3_000)
    )
    for form in (twelve, ten, ten.replace("-", ""), twelve[2:]):
        assert form not in published
