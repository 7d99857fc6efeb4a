"""A referral under a consent goes ahead only if the consent covers it; only the organisation
that recorded a consent revokes it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from samverkan_contracts.events import treatment as t
from tests.integration.treatment.api import CENTRAL, Api, Loop, accepted, event, refused, today

pytestmark = pytest.mark.integration


def revocation(loop: Loop, consent_id: uuid.UUID, by: str) -> t.ConsentRevoked:
    return t.ConsentRevoked(
        consent_id=consent_id, subject_ref=loop.subject_ref, revoked_on=today(), recorded_by=by
    )


async def refused_send(loop: Loop, consent_id: uuid.UUID) -> dict[str, object]:
    problem = refused(await loop.send(consent_id), 409)
    response = await loop.api.get(f"/referrals/{loop.referral_id}", org=loop.sender)
    assert response.status_code == 404, "a refused referral is not stored"
    return problem


async def test_a_legal_basis_needs_no_consent(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    accepted(await loop.send())
    assert (await loop.state())["legal_basis"] == "osl-10-2"


async def test_neither_consent_nor_legal_basis_is_invalid(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    body = event(loop.sent(), org="kungsholmen")
    del body["data"]["legal_basis"]
    problem = refused(await api.send(body, org="kungsholmen"), 400)
    assert problem["errors"][0]["path"].startswith("$.data")


async def test_an_unknown_consent_is_refused(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    problem = await refused_send(loop, uuid.uuid4())
    assert problem["current_state"] == "consent unknown"


async def test_a_revoked_consent_is_refused(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent()
    accepted(await api.post(revocation(loop, consent_id, "kungsholmen"), org="kungsholmen"))
    problem = await refused_send(loop, consent_id)
    assert problem["current_state"] == "consent revoked"


async def test_a_consent_not_covering_the_receiver_is_refused(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent(recipients=("rinkeby", "familjebostader"))
    problem = await refused_send(loop, consent_id)
    assert problem["current_state"] == "consent active"
    assert "socialtjanst is not among the consent's recipients" in str(problem["detail"])


async def test_an_expired_consent_is_refused(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent(
        given_on=today() - timedelta(days=60), valid_until=today() - timedelta(days=1)
    )
    problem = await refused_send(loop, consent_id)
    assert problem["current_state"] == "consent expired"


async def test_a_consent_for_another_purpose_is_refused(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent(purpose=t.ConsentPurpose.CONSULTATION)
    problem = await refused_send(loop, consent_id)
    assert "not referral" in str(problem["detail"])


async def test_a_consent_about_another_person_is_refused(api: Api) -> None:
    other = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await other.record_consent()
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    problem = await refused_send(loop, consent_id)
    assert "another person" in str(problem["detail"])


async def test_another_organisations_consent_is_unknown_to_the_sender(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent(granting_organisation="rinkeby")
    problem = await refused_send(loop, consent_id)
    assert problem["current_state"] == "consent unknown"


async def test_only_the_granting_organisation_revokes_once(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent()
    refused(await api.post(revocation(loop, consent_id, "rinkeby"), org="rinkeby"), 403)
    refused(await api.post(revocation(loop, consent_id, "rinkeby"), org="kungsholmen"), 403)
    accepted(await api.post(revocation(loop, consent_id, "kungsholmen"), org="kungsholmen"))
    problem = refused(
        await api.post(revocation(loop, consent_id, "kungsholmen"), org="kungsholmen"), 409
    )
    assert problem["current_state"] == "revoked"


async def test_a_consent_is_recorded_by_the_granting_organisation_once(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    consent_id = await loop.record_consent()
    problem = refused(
        await api.post(
            t.ConsentRecorded(
                consent_id=consent_id,
                subject_ref=loop.subject_ref,
                granting_organisation="kungsholmen",
                recipients=(CENTRAL,),
                purpose=t.ConsentPurpose.REFERRAL,
                given_on=today(),
                valid_until=today(),
            ),
            org="kungsholmen",
        ),
        409,
    )
    assert problem["current_state"] == "recorded"
    other = t.ConsentRecorded(
        consent_id=uuid.uuid4(),
        subject_ref=loop.subject_ref,
        granting_organisation="rinkeby",
        recipients=(CENTRAL,),
        purpose=t.ConsentPurpose.REFERRAL,
        given_on=today(),
        valid_until=today(),
    )
    refused(await api.post(other, org="kungsholmen"), 403)


async def test_revoking_an_unknown_consent_is_a_conflict(api: Api) -> None:
    loop = Loop(api, sender="kungsholmen", receiver=CENTRAL)
    problem = refused(
        await api.post(revocation(loop, uuid.uuid4(), "kungsholmen"), org="kungsholmen"), 409
    )
    assert problem["current_state"] == "unknown"
