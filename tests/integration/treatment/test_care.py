"""Treatment episodes, housing offers and treatment plans on the real stack."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from samverkan_contracts.events import treatment as t
from samverkan_contracts.events.plans import PlanStatus, TreatmentPlanUpdated
from tests.integration.treatment.api import (
    CENTRAL,
    Api,
    Loop,
    accepted,
    random_subject,
    refused,
    today,
)

pytestmark = pytest.mark.integration


def started(loop: Loop, provider: str = CENTRAL, **changes: object) -> t.TreatmentStarted:
    fields: dict[str, object] = {
        "episode_id": uuid.uuid4(),
        "subject_ref": loop.subject_ref,
        "provided_by": provider,
        "kind": t.TreatmentKind.EXIT_PROGRAMME,
        "referral_id": loop.referral_id,
        "started_on": today(),
    }
    return t.TreatmentStarted.model_validate(fields | changes)


def ended(episode: t.TreatmentStarted, days: int = 30) -> t.TreatmentEnded:
    return t.TreatmentEnded(
        episode_id=episode.episode_id,
        ended_on=episode.started_on + timedelta(days=days),
        reason=t.EndReason.COMPLETED,
    )


async def episode_view(api: Api, key: uuid.UUID, org: str) -> dict[str, object] | None:
    response = await api.get("/episodes", org=org)
    assert response.status_code == 200, response.text
    return next((e for e in response.json() if e["episode_id"] == str(key)), None)


async def test_an_accepted_referral_is_followed_by_an_episode(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    accepted(await loop.send(await loop.record_consent()))
    episode = started(loop)
    problem = refused(await api.post(episode, org=CENTRAL, district="kungsholmen"), 409)
    assert problem["current_state"] == "sent"
    accepted(await loop.take("received"))
    accepted(await loop.take("accepted"))
    accepted(await api.post(episode, org=CENTRAL, district="kungsholmen"))
    refused(await api.post(ended(episode), org="kungsholmen"), 403)
    problem = refused(await api.post(ended(episode, -1), org=CENTRAL, district="kungsholmen"), 409)
    assert problem["current_state"] == "started"
    accepted(await api.post(ended(episode), org=CENTRAL, district="kungsholmen"))
    problem = refused(await api.post(ended(episode), org=CENTRAL, district="kungsholmen"), 409)
    assert problem["current_state"] == "ended"
    accepted(await loop.take("completed"))
    view = await episode_view(api, episode.episode_id, "kungsholmen")
    assert view is not None
    assert (view["status"], view["end_reason"], view["referral_id"]) == (
        "ended",
        "completed",
        str(loop.referral_id),
    )


async def test_an_episode_needs_the_providers_own_referral(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver="rinkeby")
    accepted(await loop.send())
    accepted(await loop.take("received"))
    accepted(await loop.take("accepted"))
    problem = refused(await api.post(started(loop), org=CENTRAL, district="kungsholmen"), 409)
    assert problem["current_state"] == "unknown"
    refused(await api.post(started(loop, provider="rinkeby"), org=CENTRAL), 403)
    other_person = started(loop, provider="rinkeby", subject_ref=random_subject())
    refused(await api.post(other_person, org="rinkeby"), 409)
    accepted(await api.post(started(loop, provider="rinkeby"), org="rinkeby"))


async def test_an_episode_without_referral(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    episode = started(loop, provider="kungsholmen", referral_id=None)
    accepted(await api.post(episode, org="kungsholmen"))
    problem = refused(await api.post(episode, org="kungsholmen"), 409)
    assert problem["current_state"] == "started"
    assert await episode_view(api, episode.episode_id, "kungsholmen") is not None
    assert await episode_view(api, episode.episode_id, "rinkeby") is None


async def test_housing_is_offered_once_by_its_offerer(api: Api) -> None:
    offer = t.HousingOffered(
        offer_id=uuid.uuid4(),
        subject_ref=random_subject(),
        offered_by="familjebostader",
        kind=t.HousingKind.TRANSITIONAL_APARTMENT,
        available_from=today() + timedelta(days=14),
    )
    accepted(await api.post(offer, org="familjebostader", district="kungsholmen"))
    problem = refused(await api.post(offer, org="familjebostader", district="kungsholmen"), 409)
    assert problem["current_state"] == "offered"
    other = offer.model_copy(update={"offer_id": uuid.uuid4()})
    refused(await api.post(other, org="stockholmshem", district="kungsholmen"), 403)


async def test_a_treatment_plan_is_kept_and_readable(api: Api) -> None:
    plan = TreatmentPlanUpdated(
        plan_id=uuid.uuid4(),
        revision=1,
        title="Kungsholmen action plan, treatment",
        status=PlanStatus.DRAFT,
        next_review_on=today() + timedelta(days=200),
        measures=(),
    )
    accepted(await api.post(plan, org="kungsholmen"))
    response = await api.get("/plans?district=kungsholmen", org="kungsholmen")
    assert response.status_code == 200
    assert str(plan.plan_id) in {p["plan_id"] for p in response.json()}
