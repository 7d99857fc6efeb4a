"""The closed-loop referral on the real stack: the whole loop, every impossible step, the
party rules and the decline reason."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from treatment.domain.referrals import ReferralStatus

from tests.integration.treatment.api import CENTRAL, Api, Loop, accepted, event, refused

pytestmark = pytest.mark.integration


async def test_full_loop_from_kungsholmen_to_the_central_unit_with_consent(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent()
    accepted(await loop.send(consent_id))
    assert (await loop.state())["status"] == "sent"
    for step in ("received", "accepted", "completed"):
        accepted(await loop.take(step))
        assert (await loop.state(org=CENTRAL))["status"] == step

    state = await loop.state()
    assert state["district"] == "kungsholmen"
    assert state["consent_id"] == str(consent_id)
    assert state["legal_basis"] is None
    assert state["open"] is False
    assert set(state["steps"]) == {"sent", "received", "accepted", "completed"}
    assert state["outcome"] == "goals_met"
    assert state["planned_start"] is not None
    assert "subject_ref" not in state


async def test_district_to_district_referral_with_consent(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver="rinkeby")
    accepted(await loop.send(await loop.record_consent()))
    accepted(await loop.take("received"))
    accepted(await loop.take("declined"))
    state = await loop.state(org="rinkeby")
    assert state["status"] == "declined"
    assert state["decline_reason"] == "no_capacity"
    assert state["open"] is False
    assert (await api.get(f"/referrals/{loop.referral_id}", org="bromma")).status_code == 404


async def test_a_person_sends_and_the_sender_withdraws(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    token = await api.tokens.person("karin.kungsholmen")
    accepted(await api.send_as(event(loop.sent(), org="kungsholmen"), token))
    accepted(await loop.take("received"))
    accepted(await loop.take("withdrawn"))
    assert (await loop.state(org=CENTRAL))["status"] == "withdrawn"


#: How to reach each state, and the steps that state allows.
PATHS: dict[str | None, tuple[str, ...]] = {
    None: (),
    "sent": ("sent",),
    "received": ("sent", "received"),
    "accepted": ("sent", "received", "accepted"),
    "declined": ("sent", "received", "declined"),
    "completed": ("sent", "received", "accepted", "completed"),
    "withdrawn": ("sent", "withdrawn"),
}
ALLOWED = {
    None: {"sent"},
    "sent": {"received", "withdrawn"},
    "received": {"accepted", "declined", "withdrawn"},
    "accepted": {"completed", "withdrawn"},
}
IMPOSSIBLE = [
    (state, step)
    for state in PATHS
    for step in ReferralStatus
    if step.value not in ALLOWED.get(state, set())
]


@pytest.mark.parametrize(("state", "step"), IMPOSSIBLE)
async def test_every_impossible_step_is_a_conflict_naming_the_state(
    api: Api, state: str | None, step: ReferralStatus
) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    for earlier in PATHS[state]:
        accepted(await loop.take(earlier))
    problem = refused(await loop.take(step.value), 409)
    assert problem["current_state"] == (state or "unknown")
    assert f"when it is {state or 'unknown'}" in problem["detail"]
    if state is not None:
        assert (await loop.state())["status"] == state


async def test_accepting_before_receipt_is_refused(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver="rinkeby")
    accepted(await loop.send())
    problem = refused(await loop.take("accepted"), 409)
    assert problem["current_state"] == "sent"


async def test_a_decline_needs_a_reason(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    accepted(await loop.send())
    accepted(await loop.take("received"))
    body: dict[str, Any] = event(loop.step_data("declined"), org=CENTRAL, district="kungsholmen")
    del body["data"]["reason"]
    problem = refused(await api.send(body, org=CENTRAL), 400)
    assert "$.data.reason" in [e["path"] for e in problem["errors"]]
    assert (await loop.state())["status"] == "received"


@pytest.mark.parametrize(
    ("step", "org", "by"),
    [
        pytest.param("received", "rinkeby", "rinkeby", id="a third district receives"),
        pytest.param("received", "kungsholmen", "kungsholmen", id="the sender receives"),
        pytest.param("received", CENTRAL, "kungsholmen", id="received_by is not the caller"),
        pytest.param("withdrawn", CENTRAL, CENTRAL, id="the receiver withdraws"),
        pytest.param("withdrawn", "kungsholmen", CENTRAL, id="withdrawn_by is not the caller"),
    ],
)
async def test_the_wrong_organisation_is_forbidden_on_a_sent_referral(
    api: Api, step: str, org: str, by: str
) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    accepted(await loop.send())
    refused(await loop.take(step, org=org, by=by), 403)
    assert (await loop.state())["status"] == "sent"


@pytest.mark.parametrize(
    ("step", "org", "by"),
    [
        pytest.param("accepted", "rinkeby", "rinkeby", id="a third district accepts"),
        pytest.param("declined", "kungsholmen", "kungsholmen", id="the sender declines"),
        pytest.param("accepted", CENTRAL, "kungsholmen", id="accepted_by is not the caller"),
        pytest.param("declined", "bromma", "bromma", id="a third district declines"),
    ],
)
async def test_the_wrong_organisation_is_forbidden_to_decide(
    api: Api, step: str, org: str, by: str
) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    accepted(await loop.send())
    accepted(await loop.take("received"))
    problem = refused(await loop.take(step, org=org, by=by), 403)
    assert problem["title"] == "Not allowed"
    assert (await loop.state())["status"] == "received"


async def test_the_sender_must_be_the_caller(api: Api) -> None:
    loop = Loop(api, sender="rinkeby", receiver=CENTRAL, district="kungsholmen")
    body = event(loop.sent(), org="kungsholmen", district="kungsholmen")
    problem = refused(await api.send(body, org="kungsholmen"), 403)
    assert "from_organisation" in problem["detail"]
    assert (await api.get(f"/referrals/{loop.referral_id}", org=CENTRAL)).status_code == 404


async def test_the_central_unit_names_the_referrals_district(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    accepted(await loop.send())
    data = loop.step_data("received")
    problem = refused(await api.post(data, org=CENTRAL, district="bromma"), 400)
    assert [e["path"] for e in problem["errors"]] == ["$.district"]


async def test_an_unknown_referral_cannot_be_received(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL, referral_id=uuid.uuid4())
    problem = refused(await loop.take("received"), 409)
    assert problem["current_state"] == "unknown"


async def test_a_housing_company_receiving_a_referral_closes_its_loop(api: Api) -> None:
    """The receiver records the decisions, whoever it is — here a housing company."""
    loop = Loop(api, sender="kungsholmen", receiver="familjebostader")
    accepted(await loop.send(await loop.record_consent(), service="housing"))
    for step in ("received", "accepted", "completed"):
        accepted(await loop.take(step))
    assert (await loop.state())["status"] == "completed"
