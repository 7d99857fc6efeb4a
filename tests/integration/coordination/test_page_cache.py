"""Kept pages on the real stack: a page follows the view's change notices (well within the
minute it may be kept here), each caller scope gets its own page, and audited reads are
read and logged every time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from coordination.app import create_app
from fastapi import FastAPI

from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import (
    Publish,
    bearer,
    eventually,
    in_view,
    stack_settings,
    token,
)

#: Longer than any wait below: a page that changes did so on a change notice.
KEPT_SECONDS = 60.0


@pytest.fixture(scope="module")
async def app() -> AsyncIterator[FastAPI]:
    application = create_app(stack_settings(page_cache_seconds=KEPT_SECONDS))
    async with application.router.lifespan_context(application):
        yield application


async def _ids(api: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    response = await api.get("/referrals", headers=headers)
    assert response.status_code == 200, response.text
    return {item["referral_id"] for item in response.json()}


async def test_a_kept_page_changes_when_new_events_are_applied(
    api: httpx.AsyncClient, pool: asyncpg.Pool, publish: Publish
) -> None:
    kista = bearer(await token("org-kista"))
    earlier = f.referral_sent("kista", f.subject())
    await publish([f.event(earlier, "kista")])

    async def caught_up() -> bool:  # so that the next event is applied at once
        sql = "SELECT 1 FROM {s}.referrals WHERE referral_id = $1"
        return bool(await in_view(pool, sql, str(earlier.referral_id)))

    await eventually(caught_up, seconds=300)
    assert str(earlier.referral_id) in await _ids(api, kista)  # now the kept page
    sent = f.referral_sent("kista", f.subject())
    await publish([f.event(sent, "kista")])

    async def shown() -> bool:
        return str(sent.referral_id) in await _ids(api, kista)

    await eventually(shown, seconds=KEPT_SECONDS / 2, what="the kept referrals board")
    fresh = await _ids(api, {**kista, "Cache-Control": "no-cache"})  # rendered anew
    assert str(sent.referral_id) in fresh


async def test_each_organisation_and_role_set_gets_its_own_page(
    api: httpx.AsyncClient, publish: Publish
) -> None:
    kista, rinkeby = bearer(await token("org-kista")), bearer(await token("org-rinkeby"))
    in_kista = f.referral_sent("kista", f.subject())
    in_rinkeby = f.referral_sent("rinkeby", f.subject())
    await publish([f.event(in_kista, "kista"), f.event(in_rinkeby, "rinkeby")])

    async def both_shown() -> bool:
        return {str(in_kista.referral_id), str(in_rinkeby.referral_id)} <= (
            await _ids(api, kista) | await _ids(api, rinkeby)
        )

    await eventually(both_shown, what="both districts' referrals")
    for _ in range(2):  # each read after the other's page was kept
        for own, other, headers in (
            (in_kista, in_rinkeby, kista),
            (in_rinkeby, in_kista, rinkeby),
        ):
            board = (await api.get("/referrals", headers=headers)).json()
            ids = {item["referral_id"] for item in board}
            assert str(own.referral_id) in ids
            assert str(other.referral_id) not in ids
            assert all(own.from_organisation in (i["from_org"], i["to_org"]) for i in board)

    # one organisation, two role sets: only the trafficking specialist sees trafficking activity
    specialist = bearer(await token("anna.specialist"))
    trafficking = bearer(await token("tove.trafficking"))
    for _ in range(2):
        for headers, hidden in ((specialist, True), (trafficking, False)):
            overview = (await api.get("/overview", headers=headers)).json()
            cells = [d["areas"]["trafficking"]["activity_365d"] for d in overview["districts"]]
            assert len(cells) == 18
            assert all((cell is None) is hidden for cell in cells)


async def test_a_specialists_alerts_are_read_and_audited_every_time(
    api: httpx.AsyncClient, pool: asyncpg.Pool, publish: Publish
) -> None:
    who, now = f.subject(), datetime.now(UTC)
    await publish([f.event(f.contact(who, now - timedelta(hours=h)), "kista") for h in (1, 2, 3)])
    try:
        await _alerts_read_and_audited(api, pool, who)
    finally:  # the alert would stay on the shared view's alerts page for 30 days
        await publish([f.event(f.erasure(who), f.CENTRAL)])


async def _alerts_read_and_audited(api: httpx.AsyncClient, pool: asyncpg.Pool, who: str) -> None:
    specialist = bearer(await token("tove.trafficking"))

    async def alerted() -> bool:
        response = await api.get("/alerts", headers=specialist, params={"purpose": "monitoring"})
        return any(a.get("subject_ref") == who for a in response.json())

    await eventually(alerted, what="the repeated contacts alert")

    async def audited() -> Any:
        return await pool.fetchval(
            "SELECT count(*) FROM coordination.audit_log WHERE actor = 'tove.trafficking' "
            "AND action = 'alerts.read' AND position($1 in target) > 0",
            who,
        )

    before = await audited()
    for _ in range(2):
        response = await api.get("/alerts", headers=specialist, params={"purpose": "monitoring"})
        assert any(a.get("subject_ref") == who for a in response.json())
    assert await audited() == before + 2

    # a district's alerts name no subject, are not audited, and may be kept
    kista = bearer(await token("org-kista"))
    for _ in range(2):
        alerts = (await api.get("/alerts", headers=kista)).json()
        assert all(a["subject_ref"] is None and "journey" not in a["links"] for a in alerts)
    assert await audited() == before + 2
