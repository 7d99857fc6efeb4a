"""Batches on the real stack: a batch is applied with a few statements, yet every event in it
keeps the guarantees of a single one: an id repeated (in the batch or from an earlier
request) has one effect and one record, an id reused for other content and an activity
recorded twice are refused naming the event, and nothing of a refused batch remains."""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from typing import Any

import httpx

from tests.support.db import connect
from tests.support.events import BATCH, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.tokens import org_token

from .test_ingestion import TOPIC, activity, bearer


async def post(
    service: httpx.AsyncClient, token: str, events: list[dict[str, Any]]
) -> httpx.Response:
    return await service.post("/events", json=events, headers=BATCH | bearer(token))


async def recorded(*events: dict[str, Any]) -> set[str]:
    """Which of the events' activities are in the service's table."""
    conn = await connect("prevention")
    try:
        rows = await conn.fetch(
            "SELECT activity_id FROM public.activities WHERE activity_id = ANY($1::uuid[])",
            [e["data"]["activity_id"] for e in events],
        )
    finally:
        await conn.close()
    return {str(row["activity_id"]) for row in rows}


async def test_ids_repeated_in_the_batch_and_from_before_have_one_effect_each(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    a, b, c = activity("kista"), activity("kista"), activity("kista")
    start = await end_offsets(TOPIC)

    first = await post(service, token, [a, b, a])
    mixed = await post(service, token, [b, c, a, c])

    assert first.status_code == mixed.status_code == 202, (first.text, mixed.text)
    assert first.json() == {"accepted": [a["id"], b["id"], a["id"]]}
    assert mixed.json() == {"accepted": [b["id"], c["id"], a["id"], c["id"]]}
    keys = {e["subject"].encode() for e in (a, b, c)}
    records = await records_since(start, keys=keys, expected=3)
    assert Counter(dict(r.headers)["ce_id"].decode() for r in records) == {
        a["id"]: 1,
        b["id"]: 1,
        c["id"]: 1,
    }
    assert await recorded(a, b, c) == {a["subject"], b["subject"], c["subject"]}


async def test_an_id_reused_for_other_content_in_the_batch_is_refused_there(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    a, b = activity("kista"), activity("kista")
    changed = copy.deepcopy(a)
    changed["data"]["participants"] += 1

    response = await post(service, token, [a, b, changed])

    assert response.status_code == 409, response.text
    assert response.json()["event"] == "$[2]"
    assert await recorded(a, b) == set()


async def test_an_id_reused_from_an_earlier_request_is_refused_there(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    a, b = activity("kista"), activity("kista")
    assert (await post(service, token, [a])).status_code == 202
    changed = copy.deepcopy(a)
    changed["data"]["participants"] += 1

    response = await post(service, token, [b, changed])

    assert response.status_code == 409, response.text
    assert response.json()["event"] == "$[1]"
    assert await recorded(b) == set()


async def test_an_activity_recorded_twice_is_refused_naming_the_second(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    a, b = activity("kista"), activity("kista")
    twice = activity("kista")  # a new event about activity a
    twice["data"]["activity_id"] = twice["subject"] = a["subject"]
    start = await end_offsets(TOPIC)

    in_the_batch = await post(service, token, [a, b, twice])
    assert (await post(service, token, [a])).status_code == 202
    after = await post(service, token, [b, twice])

    for response, position in ((in_the_batch, "$[2]"), (after, "$[1]")):
        assert response.status_code == 409, response.text
        body = response.json()
        assert (body["event"], body["current_state"]) == (position, "recorded")
    assert await recorded(b) == set()
    records = await records_since(start, keys={a["subject"].encode()}, expected=1)
    assert [dict(r.headers)["ce_id"].decode() for r in records] == [a["id"]]


async def test_an_invalid_event_is_named_before_the_database_is_asked(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    batch = [activity("kista") for _ in range(300)]
    batch[217]["district"] = "rinkeby"  # another district's activity: not kista's to report

    response = await post(service, token, batch)

    assert response.status_code == 403, response.text
    assert response.json()["event"] == "$[217]"
    assert await recorded(*batch) == set()


async def test_a_large_batch_lands_once_each(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    batch = [activity("kista") for _ in range(250)]
    start = await end_offsets(TOPIC)

    response = await post(service, token, batch)

    assert response.status_code == 202, response.text
    keys = {e["subject"].encode() for e in batch}
    records = await records_since(start, keys=keys, expected=len(batch))
    assert sorted(dict(r.headers)["ce_id"].decode() for r in records) == sorted(
        e["id"] for e in batch
    )
    assert await recorded(*batch) == {e["subject"] for e in batch}


REQUESTED = "se.stockholm.samverkan.prevention.training.requested.v1"
DELIVERED = "se.stockholm.samverkan.prevention.training.delivered.v1"


def request(request_id: str) -> dict[str, Any]:
    event = sample(REQUESTED)
    event["data"]["request_id"] = event["subject"] = request_id
    return event


def delivery(training_id: str, request_id: str | None) -> dict[str, Any]:
    event = sample(DELIVERED)
    event["data"]["training_id"] = training_id
    event["data"]["request_id"] = request_id
    event["subject"] = request_id or training_id
    if request_id is None:
        del event["data"]["request_id"]
        event.pop("causationid", None)
    return event


async def trainings(*keys: str) -> dict[str, str]:
    conn = await connect("prevention")
    try:
        rows = await conn.fetch(
            "SELECT training_key, status FROM public.trainings "
            "WHERE training_key = ANY($1::uuid[])",
            list(keys),
        )
    finally:
        await conn.close()
    return {str(row["training_key"]): row["status"] for row in rows}


async def test_trainings_step_in_order_within_a_batch(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    kista, central = await org_token(http, "kista"), await org_token(http, "socialtjanst")
    one, two = str(uuid.uuid4()), str(uuid.uuid4())

    twice = await post(service, kista, [request(one), request(two), request(one)])
    assert twice.status_code == 409, twice.text
    assert (twice.json()["event"], twice.json()["current_state"]) == ("$[2]", "requested")
    assert await trainings(one, two) == {}

    assert (await post(service, kista, [request(one), request(two)])).status_code == 202
    delivered = await post(
        service, central, [delivery(str(uuid.uuid4()), one), delivery(str(uuid.uuid4()), two)]
    )
    assert delivered.status_code == 202, delivered.text
    assert await trainings(one, two) == {one: "delivered", two: "delivered"}
    again = await post(service, central, [delivery(str(uuid.uuid4()), two)])
    assert again.status_code == 409, again.text
    assert again.json()["current_state"] == "delivered"


async def test_a_training_nobody_requested_delivered_twice_in_a_batch_is_refused_there(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    central = await org_token(http, "socialtjanst")
    alone, other = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [delivery(alone, None), delivery(other, None), delivery(alone, None)]

    response = await post(service, central, batch)

    assert response.status_code == 409, response.text
    assert (response.json()["event"], response.json()["current_state"]) == ("$[2]", "delivered")
    assert await trainings(alone, other) == {}
    assert (await post(service, central, batch[:2])).status_code == 202
    assert await trainings(alone, other) == {alone: "delivered", other: "delivered"}
