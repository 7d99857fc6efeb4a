"""One referral, one trace: the district's HTTP call, the treatment service's transaction,
its outbox relay's Kafka publish and the coordination consumer, read back from Zipkin."""

from __future__ import annotations

import asyncio
import secrets
import uuid

import httpx

from tests.stack import STACK
from tests.support.db import drop_schema
from tests.support.events import STRUCTURED, sample
from tests.support.processes import service_process
from tests.support.tokens import org_token

ZIPKIN = f"http://127.0.0.1:{STACK.zipkin_port}"
TRACING = {
    "OTEL_TRACES_EXPORTER": "zipkin",
    "OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"{ZIPKIN}/api/v2/spans",
    "OTEL_BSP_SCHEDULE_DELAY": "200",
}


def referral() -> dict[str, object]:
    event = sample("se.stockholm.samverkan.treatment.referral.sent.v1")
    event["district"] = "kungsholmen"
    data = event["data"]
    assert isinstance(data, dict)
    data["referral_id"] = event["subject"] = str(uuid.uuid4())
    data |= {"from_organisation": "kungsholmen", "to_organisation": "socialtjanst"}
    data.pop("consent_id", None)
    data["legal_basis"] = "sol-child-concern"
    return event


async def spans_of(
    http: httpx.AsyncClient, trace_id: str, wanted: set[str]
) -> list[dict[str, object]]:
    """The trace's spans once every wanted (service, name) pair is there (waits up to 60 s)."""
    spans: list[dict[str, object]] = []
    for _ in range(300):
        response = await http.get(f"{ZIPKIN}/api/v2/trace/{trace_id}")
        if response.status_code == 200:
            spans = response.json()
            seen = {f"{s['localEndpoint']['serviceName']}: {s['name']}" for s in spans}  # type: ignore[index]
            if wanted <= seen:
                return spans
        await asyncio.sleep(0.2)
    return spans


async def test_one_trace_from_http_call_to_view() -> None:
    trace_id = secrets.token_hex(16)
    schema = f"trace_{uuid.uuid4().hex[:12]}"
    async with httpx.AsyncClient(timeout=30) as http:
        token = await org_token(http, "kungsholmen")
        with (
            service_process("treatment", env=TRACING, database_schema=schema) as treatment,
            service_process(
                "coordination", "serve", env=TRACING, consumer_group=f"trace-{uuid.uuid4()}"
            ) as coordination,
        ):
            await coordination.start()
            await treatment.start()
            parent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
            response = await http.post(
                f"{treatment.url}/events",
                json=referral(),
                headers=STRUCTURED | {"authorization": f"Bearer {token}", "traceparent": parent},
            )
            assert response.status_code == 202, response.text
            wanted = {
                "treatment: post /events",
                "treatment: ingest transaction",
                "treatment: samverkan.treatment.v1 publish",
                "coordination: samverkan.treatment.v1 process",
            }
            spans = await spans_of(http, trace_id, wanted)
        await drop_schema("treatment", schema)
    seen = {f"{s['localEndpoint']['serviceName']}: {s['name']}" for s in spans}  # type: ignore[index]
    assert wanted <= seen, seen
    assert {s["traceId"] for s in spans} == {trace_id}
    by_id = {s["id"]: s for s in spans}
    process = next(s for s in spans if s["name"] == "samverkan.treatment.v1 process")
    publish = by_id[process["parentId"]]
    assert publish["name"] == "samverkan.treatment.v1 publish"
    assert by_id[publish["parentId"]]["name"] == "ingest transaction"
