"""The scoping matrix, through the API with real Keycloak tokens: a district sees only its
own district; an operator sees no subject data; trafficking detail only for trafficking
specialists; a revoked consent hides the journey from the organisations it covered; every
journey read is audited and auditors read the log."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg
import httpx
import pytest

from samverkan_contracts.events import treatment as t
from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import Publish, bearer, eventually, in_view, token

pytestmark = pytest.mark.integration

PURPOSE = {"purpose": "care planning meeting"}


async def _setup(pool: asyncpg.Pool, publish: Publish) -> dict[str, object]:
    """Two districts' referrals, a trafficking case and a consented subject, all applied."""
    trafficked, consented = f.subject(), f.subject()
    consent = f.consent(consented, "kungsholmen", ("socialtjanst",))
    mine = f.referral_sent("kungsholmen", trafficked)
    theirs = f.referral_sent("rinkeby", f.subject())
    with_consent = f.referral_sent("kungsholmen", consented, consent_id=consent.consent_id)
    suspicion = f.suspicion(trafficked)
    events = [
        f.event(mine, "kungsholmen"),
        f.event(theirs, "rinkeby"),
        f.event(suspicion, "kungsholmen", actororg=f.CENTRAL),
        f.event(consent, "kungsholmen"),
        f.event(with_consent, "kungsholmen"),
    ]
    await publish(events)

    async def applied() -> bool:
        rows = await in_view(
            pool,
            "SELECT count(*) FROM {s}.applied_events WHERE id = ANY($1)",
            [e.id for e in events],
        )
        return int(rows[0]["count"]) == len(events)

    await eventually(applied)
    return {
        "trafficked": trafficked,
        "consented": consented,
        "consent": consent,
        "mine": mine,
        "theirs": theirs,
    }


async def test_scoping_matrix(pool: asyncpg.Pool, publish: Publish, api: httpx.AsyncClient) -> None:
    w = await _setup(pool, publish)
    district = bearer(await token("org-kungsholmen"))
    operator = bearer(await token("ops-monitor"))
    specialist = bearer(await token("anna.specialist"))
    trafficking = bearer(await token("tove.trafficking"))
    mine, theirs = w["mine"], w["theirs"]
    assert isinstance(mine, t.ReferralSent)
    assert isinstance(theirs, t.ReferralSent)

    # A district sees only its own district.
    board = (await api.get("/referrals", headers=district)).json()
    ids = {item["referral_id"] for item in board}
    assert str(mine.referral_id) in ids
    assert str(theirs.referral_id) not in ids
    assert all("kungsholmen" in (i["from_org"], i["to_org"]) for i in board)
    assert (
        await api.get("/referrals", headers=district, params={"district": "rinkeby"})
    ).status_code == 403
    assert (await api.get(f"/referrals/{theirs.referral_id}", headers=district)).status_code == 404
    overview = (await api.get("/overview", headers=district)).json()
    assert [d["district"] for d in overview["districts"]] == ["kungsholmen"]
    assert overview["districts"][0]["areas"]["trafficking"]["activity_365d"] is None
    assert (
        await api.get(f"/subjects/{w['trafficked']}/journey", headers=district, params=PURPOSE)
    ).status_code == 403

    # The central unit sees every district.
    central = (await api.get("/referrals", headers=specialist)).json()
    assert {str(mine.referral_id), str(theirs.referral_id)} <= {i["referral_id"] for i in central}
    assert len((await api.get("/overview", headers=specialist)).json()["districts"]) == 18

    # An operator sees no subject data (nor case views), but dead letters and indicators.
    for path in (
        "/referrals",
        "/overview",
        "/consultations",
        "/alerts",
        f"/subjects/{w['trafficked']}/journey?purpose=ops",
    ):
        assert (await api.get(path, headers=operator)).status_code == 403, path
    assert (await api.get("/dead-letters", headers=operator)).status_code == 200
    assert (await api.get("/dead-letters", headers=specialist)).status_code == 403
    year = str(date.today().year)  # noqa: DTZ011 - a calendar year
    assert (
        await api.get("/indicators", headers=operator, params={"period": year})
    ).status_code == 200

    # Trafficking detail only for trafficking specialists.
    plain = (
        await api.get(f"/subjects/{w['trafficked']}/journey", headers=specialist, params=PURPOSE)
    ).json()
    assert [s["event"] for s in plain["steps"]] == ["treatment.referral.sent"]
    assert plain["hidden_restricted_steps"] is True
    full = (
        await api.get(f"/subjects/{w['trafficked']}/journey", headers=trafficking, params=PURPOSE)
    ).json()
    assert {s["event"] for s in full["steps"]} == {
        "treatment.referral.sent",
        "trafficking.suspicion.registered",
    }
    assert full["hidden_restricted_steps"] is False
    overview = (await api.get("/overview", headers=trafficking)).json()
    assert overview["districts"][0]["areas"]["trafficking"]["activity_365d"] is not None

    # A journey read needs a stated purpose.
    assert (
        await api.get(f"/subjects/{w['trafficked']}/journey", headers=specialist)
    ).status_code == 422


async def test_revoked_consent_hides_the_journey_and_reads_are_audited(
    pool: asyncpg.Pool, publish: Publish, api: httpx.AsyncClient
) -> None:
    w = await _setup(pool, publish)
    specialist = bearer(await token("anna.specialist"))
    consented, consent = w["consented"], w["consent"]
    assert isinstance(consent, t.ConsentRecorded)
    path = f"/subjects/{consented}/journey"
    purpose = {"purpose": f"consent test {uuid.uuid4()}"}
    seen = await api.get(path, headers=specialist, params=purpose)
    assert seen.status_code == 200
    assert {s["event"] for s in seen.json()["steps"]} == {
        "treatment.consent.recorded",
        "treatment.referral.sent",
    }

    revoked = t.ConsentRevoked(
        consent_id=consent.consent_id,
        subject_ref=consent.subject_ref,
        revoked_on=date.today(),  # noqa: DTZ011 - a calendar day
        recorded_by="kungsholmen",
    )
    await publish([f.event(revoked, "kungsholmen")])

    async def hidden() -> bool:
        return (await api.get(path, headers=specialist, params=purpose)).status_code == 404

    await eventually(hidden, what="the revocation")

    auditor = bearer(await token("audit-reader"))
    assert (await api.get("/audit", headers=specialist)).status_code == 403
    entries, after = [], 0
    while page := (
        await api.get("/audit", headers=auditor, params={"after": after, "limit": 1000})
    ).json():
        entries += page
        after = page[-1]["seq"]
    mine = [e for e in entries if e["purpose"] == purpose["purpose"]]
    assert mine[0]["action"] == "journey.read"
    assert mine[0]["target"] == consented
    assert mine[0]["actor"] == "anna.specialist"
    assert mine[0]["organisation"] == "socialtjanst"
    assert "specialist" in mine[0]["roles"]
    assert mine[-1]["action"] == "journey.refused"
