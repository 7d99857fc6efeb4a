"""Consultations on the real stack: a district asks, the specialists answer, the district closes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from samverkan_contracts.base import AgeBand
from samverkan_contracts.events import treatment as t
from tests.integration.treatment.api import CENTRAL, Api, accepted, refused

pytestmark = pytest.mark.integration


def request(key: uuid.UUID, by: str = "rinkeby", of: str = CENTRAL) -> t.ConsultationRequested:
    return t.ConsultationRequested(
        consultation_id=key,
        requested_by=by,
        requested_of=of,
        question=t.ConsultationQuestion.TRAFFICKING_INDICATORS,
        respond_by=datetime.now(UTC) + timedelta(days=2),
        age_band=AgeBand.AGE_16_17,
        case_summary="Girl, new older boyfriend, gifts and nights away; school worried",
    )


def answer(key: uuid.UUID, by: str = CENTRAL) -> t.ConsultationAnswered:
    return t.ConsultationAnswered(
        consultation_id=key,
        answered_by=by,
        advice="Signs of grooming; open a child investigation",
        follow_up_needed=True,
    )


def close(
    key: uuid.UUID,
    by: str = "rinkeby",
    resolution: t.ConsultationResolution = t.ConsultationResolution.ADVICE_GIVEN,
) -> t.ConsultationClosed:
    return t.ConsultationClosed(consultation_id=key, closed_by=by, resolution=resolution)


async def consultation(api: Api, key: uuid.UUID, org: str) -> dict[str, object] | None:
    response = await api.get("/consultations", org=org)
    assert response.status_code == 200, response.text
    return next((c for c in response.json() if c["consultation_id"] == str(key)), None)


async def test_asked_answered_closed(api: Api) -> None:
    key = uuid.uuid4()
    accepted(await api.post(request(key), org="rinkeby"))
    accepted(await api.post(answer(key), org=CENTRAL, district="rinkeby"))
    view = await consultation(api, key, CENTRAL)
    assert view is not None
    assert view["status"] == "answered"
    assert view["answered_in_time"] is True
    accepted(await api.post(close(key), org="rinkeby"))
    view = await consultation(api, key, "rinkeby")
    assert view is not None
    assert (view["status"], view["resolution"], view["follow_up_needed"]) == (
        "closed",
        "advice_given",
        True,
    )
    assert await consultation(api, key, "kungsholmen") is None


async def test_only_the_district_that_asked_closes(api: Api) -> None:
    key = uuid.uuid4()
    accepted(await api.post(request(key), org="rinkeby"))
    refused(await api.post(close(key, by=CENTRAL), org=CENTRAL, district="rinkeby"), 403)
    refused(await api.post(close(key, by="kungsholmen"), org="kungsholmen"), 403)
    refused(await api.post(close(key, by="rinkeby"), org="kungsholmen"), 403)


async def test_impossible_steps_name_the_state(api: Api) -> None:
    key = uuid.uuid4()
    problem = refused(await api.post(answer(key), org=CENTRAL, district="rinkeby"), 409)
    assert problem["current_state"] == "unknown"
    accepted(await api.post(request(key), org="rinkeby"))
    problem = refused(await api.post(request(key), org="rinkeby"), 409)
    assert problem["current_state"] == "requested"
    problem = refused(await api.post(close(key), org="rinkeby"), 409)
    assert problem["current_state"] == "requested"
    accepted(await api.post(answer(key), org=CENTRAL, district="rinkeby"))
    problem = refused(await api.post(answer(key), org=CENTRAL, district="rinkeby"), 409)
    assert problem["current_state"] == "answered"
    accepted(await api.post(close(key), org="rinkeby"))
    problem = refused(await api.post(close(key), org="rinkeby"), 409)
    assert problem["current_state"] == "closed"


async def test_a_question_can_be_withdrawn_before_an_answer(api: Api) -> None:
    key = uuid.uuid4()
    accepted(await api.post(request(key), org="rinkeby"))
    withdrawn = close(key, resolution=t.ConsultationResolution.WITHDRAWN)
    accepted(await api.post(withdrawn, org="rinkeby"))
    problem = refused(await api.post(answer(key), org=CENTRAL, district="rinkeby"), 409)
    assert problem["current_state"] == "closed"


async def test_consultations_are_asked_of_the_central_specialists(api: Api) -> None:
    problem = refused(await api.post(request(uuid.uuid4(), of="kungsholmen"), org="rinkeby"), 400)
    assert [e["path"] for e in problem["errors"]] == ["$.data.requested_of"]


async def test_the_asker_must_be_the_caller(api: Api) -> None:
    refused(await api.post(request(uuid.uuid4(), by="kungsholmen"), org="rinkeby"), 403)
