"""Read endpoints: what the caller's organisation takes part in (the central unit's
specialists read everything). Views carry states and dates, never subject references:
subject-level reads belong behind the audit log."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from samverkan_common.problems import NotFound
from samverkan_common.scope import readable_districts
from samverkan_common.web import CurrentPrincipal
from treatment.domain.consultations import ConsultationStatus, answered_in_time
from treatment.domain.episodes import EpisodeStatus
from treatment.domain.referrals import OPEN, ReferralStatus
from treatment.store import views

router = APIRouter(tags=["treatment"])


class ReferralView(BaseModel):
    model_config = ConfigDict(frozen=True)
    referral_id: UUID
    district: str
    from_organisation: str
    to_organisation: str
    service: str
    urgency: str
    respond_by: datetime
    consent_id: UUID | None
    legal_basis: str | None
    status: ReferralStatus
    open: bool
    steps: dict[str, datetime]
    planned_start: date | None
    decline_reason: str | None
    outcome: str | None


class ConsultationView(BaseModel):
    model_config = ConfigDict(frozen=True)
    consultation_id: UUID
    district: str
    requested_by: str
    requested_of: str
    question: str
    age_band: str
    respond_by: datetime
    status: ConsultationStatus
    requested_at: datetime
    answered_at: datetime | None
    answered_in_time: bool | None
    follow_up_needed: bool | None
    closed_at: datetime | None
    resolution: str | None


class EpisodeView(BaseModel):
    model_config = ConfigDict(frozen=True)
    episode_id: UUID
    district: str
    provided_by: str
    kind: str
    referral_id: UUID | None
    started_on: date
    status: EpisodeStatus
    ended_on: date | None
    end_reason: str | None


def _referral(r: asyncpg.Record) -> ReferralView:
    status = ReferralStatus(r["status"])
    return ReferralView.model_validate(
        {**dict(r), "open": status in OPEN, "steps": json.loads(r["steps"])}
    )


@router.get("/referrals", summary="Referrals the caller's organisation sent or received")
async def list_referrals(
    request: Request,
    principal: CurrentPrincipal,
    status: Annotated[ReferralStatus | None, Query(description="Only this status.")] = None,
    district: Annotated[str | None, Query(description="Only this district.")] = None,
) -> list[ReferralView]:
    rows = await views.referrals(
        request.app.state.pool, readable_districts(principal), status, district
    )
    return [_referral(r) for r in rows]


@router.get("/referrals/{referral_id}", summary="One referral the caller's organisation sees")
async def get_referral(
    request: Request, principal: CurrentPrincipal, referral_id: UUID
) -> ReferralView:
    row = await views.referral(request.app.state.pool, readable_districts(principal), referral_id)
    if row is None:
        raise NotFound(f"no referral {referral_id} that you may read")
    return _referral(row)


@router.get("/consultations", summary="Consultations the caller's organisation asked or is asked")
async def list_consultations(
    request: Request,
    principal: CurrentPrincipal,
    status: Annotated[ConsultationStatus | None, Query(description="Only this status.")] = None,
) -> list[ConsultationView]:
    rows = await views.consultations(request.app.state.pool, readable_districts(principal), status)
    return [
        ConsultationView.model_validate(
            {**dict(r), "answered_in_time": answered_in_time(r["respond_by"], r["answered_at"])}
        )
        for r in rows
    ]


@router.get("/episodes", summary="Treatment episodes the caller's organisation gives or concern it")
async def list_episodes(
    request: Request,
    principal: CurrentPrincipal,
    status: Annotated[EpisodeStatus | None, Query(description="Only this status.")] = None,
) -> list[EpisodeView]:
    rows = await views.episodes(request.app.state.pool, readable_districts(principal), status)
    return [EpisodeView.model_validate(dict(r)) for r in rows]
