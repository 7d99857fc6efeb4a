"""What each caller reads: its own referrals, everything for the central specialists,
nothing for roles that read no case data."""

from __future__ import annotations

import pytest

from tests.integration.treatment.api import CENTRAL, Api, Loop, accepted

pytestmark = pytest.mark.integration


async def referral_ids(api: Api, org: str, query: str = "") -> set[str]:
    response = await api.get(f"/referrals{query}", org=org)
    assert response.status_code == 200, response.text
    return {r["referral_id"] for r in response.json()}


async def test_referrals_are_read_by_their_parties_and_the_central_unit(api: Api) -> None:
    to_rinkeby = Loop(api, sender="kungsholmen", receiver="rinkeby")
    to_central = Loop(api, sender="bromma", receiver=CENTRAL)
    accepted(await to_rinkeby.send())
    accepted(await to_central.send())
    a, b = str(to_rinkeby.referral_id), str(to_central.referral_id)

    assert a in await referral_ids(api, "kungsholmen")
    assert a in await referral_ids(api, "rinkeby")
    assert a not in await referral_ids(api, "bromma")
    assert b in await referral_ids(api, "bromma")
    assert b not in await referral_ids(api, "kungsholmen")
    assert {a, b} <= await referral_ids(api, CENTRAL)
    assert {a, b} <= await referral_ids(api, CENTRAL, "?status=sent")
    assert a not in await referral_ids(api, CENTRAL, "?status=received")
    assert a in await referral_ids(api, CENTRAL, "?district=kungsholmen")
    assert b not in await referral_ids(api, CENTRAL, "?district=kungsholmen")
    assert (await api.get(f"/referrals/{b}", org="kungsholmen")).status_code == 404
    assert (await api.get(f"/referrals/{b}", org=CENTRAL)).status_code == 200


async def test_operators_read_no_case_data(api: Api) -> None:
    token = await api.tokens.client("ops-monitor", "dev-ops-monitor-secret")
    for path in ("/referrals", "/consultations", "/episodes"):
        response = await api.client.get(path, headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 403, path


async def test_reads_need_a_token(api: Api) -> None:
    assert (await api.client.get("/referrals")).status_code == 401
