"""Prevention ingestion on the real stack: exactly once on Kafka, state readable, repeats
answered the same, and every refusal a problem naming what was wrong."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.support.events import BATCH, STRUCTURED, sample
from tests.support.kafka import end_offsets, records_since
from tests.support.tokens import org_token

TOPIC = "samverkan.prevention.v1"
ACTIVITY = "se.stockholm.samverkan.prevention.activity.held.v1"


def activity(district: str) -> dict[str, Any]:
    event = sample(ACTIVITY)
    event["district"] = district
    event["data"]["activity_id"] = event["subject"] = str(uuid.uuid4())
    return event


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_event_lands_once_on_kafka_with_actororg_from_token(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    event = activity("kista")
    start = await end_offsets(TOPIC)

    first = await service.post("/events", json=event, headers=STRUCTURED | bearer(token))
    again = await service.post("/events", json=event, headers=STRUCTURED | bearer(token))

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() == {"accepted": [event["id"]]}
    records = await records_since(start, keys={event["subject"].encode()}, expected=1)
    assert len(records) == 1
    headers = dict(records[0].headers)
    assert headers["ce_id"] == event["id"].encode()
    assert headers["ce_type"] == ACTIVITY.encode()
    assert headers["ce_actororg"] == b"kista"
    assert headers["ce_district"] == b"kista"
    assert json.loads(records[0].value)["activity_id"] == event["subject"]

    listed = await service.get("/activities", headers=bearer(token))
    assert event["subject"] in {a["activity_id"] for a in listed.json()}


async def test_batch_is_all_or_nothing(service: httpx.AsyncClient, http: httpx.AsyncClient) -> None:
    token = await org_token(http, "kista")
    good, bad = activity("kista"), activity("kista")
    bad["data"]["participants"] = -3
    response = await service.post("/events", json=[good, bad], headers=BATCH | bearer(token))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["path"] for e in response.json()["errors"]] == ["$[1].data.participants"]
    listed = await service.get("/activities", headers=bearer(token))
    assert good["subject"] not in {a["activity_id"] for a in listed.json()}


async def test_same_id_different_content_is_a_conflict(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    token = await org_token(http, "kista")
    event = activity("kista")
    assert (
        await service.post("/events", json=event, headers=STRUCTURED | bearer(token))
    ).status_code == 202
    event["data"]["participants"] += 1
    response = await service.post("/events", json=event, headers=STRUCTURED | bearer(token))
    assert response.status_code == 409


async def test_refusals(service: httpx.AsyncClient, http: httpx.AsyncClient) -> None:
    kista = bearer(await org_token(http, "kista"))
    cases: list[tuple[dict[str, str], object, int]] = [
        (STRUCTURED, activity("kista"), 401),
        (STRUCTURED | kista, activity("rinkeby"), 403),
        ({"content-type": "text/plain"} | kista, activity("kista"), 415),
        (STRUCTURED | kista, activity("kista") | {"actororg": "kista"}, 400),
        (STRUCTURED | kista, {"type": "se.stockholm.samverkan.treatment.referral.sent.v1"}, 400),
        (STRUCTURED | kista, sample("se.stockholm.samverkan.treatment.consent.revoked.v1"), 400),
    ]
    for headers, body, status in cases:
        response = await service.post("/events", content=json.dumps(body), headers=headers)
        assert response.status_code == status, (headers, response.text)
        assert response.json()["status"] == status


async def test_body_too_large(service: httpx.AsyncClient, http: httpx.AsyncClient) -> None:
    token = await org_token(http, "kista")
    huge = [activity("kista") for _ in range(2)]
    huge[0]["data"]["description"] = "x" * 2_000_000
    response = await service.post(
        "/events", content=json.dumps(huge), headers=BATCH | bearer(token)
    )
    assert response.status_code == 413


async def test_unauthenticated_answer_names_the_scheme(service: httpx.AsyncClient) -> None:
    response = await service.post("/events", json=activity("kista"), headers=STRUCTURED)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
