"""Live updates (server-sent events) when the view changes, scoped to the reader's districts;
and the CSV exports of indicators and the referrals board."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import Publish, bearer, token
from tests.support.processes import service_process


async def sse_events(
    response: httpx.Response, until: Callable[[str, dict[str, object]], bool]
) -> list[tuple[str, dict[str, object]]]:
    """The events of a server-sent event stream, up to the first that ``until`` accepts."""
    events: list[tuple[str, dict[str, object]]] = []
    name = ""
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.removeprefix("data:").strip())))
            if until(*events[-1]):
                break
    return events


async def test_a_stream_announces_changes_of_the_readers_district(publish: Publish) -> None:
    with service_process("coordination", "serve", consumer_group=f"live-{uuid.uuid4()}") as proc:
        await proc.start()
        kista = bearer(await token("org-kista"))
        async with (
            httpx.AsyncClient(timeout=60) as http,
            http.stream("GET", f"{proc.url}/stream", headers=kista) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            reading = asyncio.create_task(
                sse_events(response, lambda _, data: "prevention" in str(data.get("areas")))
            )
            await asyncio.sleep(0.5)  # the stream is subscribed once "ready" is sent
            day = f.random_day()
            await publish([f.event(f.activity(day), "rinkeby")])  # not kista's: not announced
            await publish([f.event(f.activity(day), "kista")])
            events = await asyncio.wait_for(reading, 60)
    assert events[0][0] == "ready"
    changes = events[1:]
    assert changes
    assert events[-1][0] == "view-changed"
    # only the reader's district is ever announced (other tests may change kista meanwhile)
    assert all(data["districts"] == ["kista"] for _, data in changes)


async def test_csv_exports(app: FastAPI, api: httpx.AsyncClient, publish: Publish) -> None:
    del app
    specialist = bearer(await token("anna.specialist"))
    day = f.random_day()
    await publish([f.event(f.activity(day), "kista") for _ in range(6)])
    period = f"{day.year}-{day.month:02d}"
    rows: list[dict[str, str]] = []
    for _ in range(300):  # the consumer is asynchronous
        response = await api.get(
            "/indicators", params={"period": period, "format": "csv"}, headers=specialist
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        if any(r.get("district") == "kista" and r.get("area") == "prevention" for r in rows):
            break
        await asyncio.sleep(0.1)
    kista = [r for r in rows if r.get("district") == "kista" and r.get("area") == "prevention"]
    assert kista, "the export holds the district's row"
    assert {"district", "area"} <= set(rows[0])

    board = await api.get("/referrals", params={"format": "csv"}, headers=specialist)
    assert board.status_code == 200
    assert board.headers["content-type"].startswith("text/csv")
