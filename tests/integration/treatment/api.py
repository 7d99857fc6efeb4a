"""Talking to the treatment service as district systems and people do, with random ids."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import (
    BATCH_CONTENT_TYPE,
    STRUCTURED_CONTENT_TYPE,
    new_event,
    wire_dict,
)
from samverkan_contracts.events import treatment as t
from samverkan_contracts.organisations import OrganisationKind, load_organisations
from tests.support.harness import Tokens

CENTRAL = "socialtjanst"


def random_subject() -> str:
    digest = secrets.token_bytes(32)
    return "subj_" + base64.b32encode(digest).decode().rstrip("=").lower()


def today() -> date:
    return datetime.now(UTC).date()


def is_district(org: str) -> bool:
    found = load_organisations().get(org)
    return found is not None and found.kind is OrganisationKind.DISTRICT


def event(data: EventData, *, org: str, district: str | None = None) -> dict[str, Any]:
    """A client's structured-mode event (without ``actororg``, which the platform sets)."""
    body = wire_dict(
        new_event(data, source=f"/tests/{org}/case-system", district=district or org, actororg=org)
    )
    del body["actororg"]
    return body


@dataclass
class Api:
    client: httpx.AsyncClient
    tokens: Tokens
    pool: asyncpg.Pool

    async def send(self, body: dict[str, Any], *, org: str) -> httpx.Response:
        return await self.send_as(body, await self.tokens.machine(org))

    async def send_as(self, body: dict[str, Any], token: str) -> httpx.Response:
        return await self.client.post(
            "/events",
            content=json.dumps(body),
            headers={"content-type": STRUCTURED_CONTENT_TYPE, "authorization": f"Bearer {token}"},
        )

    async def send_batch(self, bodies: list[dict[str, Any]], *, org: str) -> httpx.Response:
        token = await self.tokens.machine(org)
        return await self.client.post(
            "/events",
            content=json.dumps(bodies),
            headers={"content-type": BATCH_CONTENT_TYPE, "authorization": f"Bearer {token}"},
        )

    async def post(
        self, data: EventData, *, org: str, district: str | None = None
    ) -> httpx.Response:
        return await self.send(event(data, org=org, district=district), org=org)

    async def get(self, path: str, *, org: str) -> httpx.Response:
        token = await self.tokens.machine(org)
        return await self.client.get(path, headers={"authorization": f"Bearer {token}"})


def accepted(response: httpx.Response) -> None:
    assert response.status_code == 202, response.text


def refused(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Loop:
    """One referral and the steps its two parties take, each posted as the right party."""

    api: Api
    sender: str
    receiver: str
    district: str = ""
    referral_id: uuid.UUID = field(default_factory=uuid.uuid4)
    subject_ref: str = field(default_factory=random_subject)

    def __post_init__(self) -> None:
        self.district = self.district or (self.sender if is_district(self.sender) else "kista")

    def district_for(self, org: str) -> str:
        """A district writes about itself; the central unit about the referral's district."""
        return org if is_district(org) else self.district

    async def record_consent(self, **changes: Any) -> uuid.UUID:
        """Record a consent of the sender's for the referral's person (``changes`` override)."""
        fields: dict[str, Any] = {
            "consent_id": uuid.uuid4(),
            "subject_ref": self.subject_ref,
            "granting_organisation": self.sender,
            "recipients": (self.receiver,),
            "purpose": t.ConsentPurpose.REFERRAL,
            "given_on": today() - timedelta(days=1),
            "valid_until": today() + timedelta(days=90),
        }
        consent = t.ConsentRecorded.model_validate(fields | changes)
        granting = consent.granting_organisation
        accepted(await self.api.post(consent, org=granting, district=self.district_for(granting)))
        return consent.consent_id

    def sent(self, consent_id: uuid.UUID | None = None, **changes: Any) -> t.ReferralSent:
        fields: dict[str, Any] = {
            "referral_id": self.referral_id,
            "subject_ref": self.subject_ref,
            "from_organisation": self.sender,
            "to_organisation": self.receiver,
            "service": t.ReferralService.EXIT_SUPPORT,
            "urgency": t.Urgency.ROUTINE,
            "respond_by": datetime.now(UTC) + timedelta(days=3),
            "consent_id": consent_id,
            "legal_basis": None if consent_id else t.LegalBasis.OSL_10_2,
        }
        return t.ReferralSent.model_validate(fields | changes)

    async def send(self, consent_id: uuid.UUID | None = None, **changes: Any) -> httpx.Response:
        return await self.api.post(
            self.sent(consent_id, **changes), org=self.sender, district=self.district
        )

    def step_data(self, step: str, by: str | None = None) -> EventData:
        """The data of a step after ``sent``, naming ``by`` (default: whoever takes it)."""
        key = self.referral_id
        if step == "sent":
            return self.sent()
        if step == "withdrawn":
            return t.ReferralWithdrawn(referral_id=key, withdrawn_by=by or self.sender)
        org = by or self.receiver
        steps: dict[str, EventData] = {
            "received": t.ReferralReceived(referral_id=key, received_by=org),
            "accepted": t.ReferralAccepted(
                referral_id=key, accepted_by=org, planned_start=today() + timedelta(days=7)
            ),
            "declined": t.ReferralDeclined(
                referral_id=key, declined_by=org, reason=t.DeclineReason.NO_CAPACITY
            ),
            "completed": t.ReferralCompleted(
                referral_id=key, completed_by=org, outcome=t.ReferralOutcome.GOALS_MET
            ),
        }
        return steps[step]

    def taker(self, step: str) -> str:
        return self.sender if step in {"sent", "withdrawn"} else self.receiver

    async def take(
        self, step: str, *, org: str | None = None, by: str | None = None
    ) -> httpx.Response:
        """Post ``step`` as ``org`` (default: the party whose step it is)."""
        actor = org or self.taker(step)
        data = self.step_data(step, by=by or actor)
        return await self.api.post(data, org=actor, district=self.district_for(actor))

    async def state(self, *, org: str | None = None) -> dict[str, Any]:
        response = await self.api.get(f"/referrals/{self.referral_id}", org=org or self.sender)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
