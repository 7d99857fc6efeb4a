"""Read endpoints: the caller's own activities and trainings (the central unit reads all)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from samverkan_common.scope import readable_districts
from samverkan_common.web import CurrentPrincipal

router = APIRouter(tags=["prevention"])

District = Annotated[str | None, Query(description="Only this district.")]


class ActivityView(BaseModel):
    model_config = ConfigDict(frozen=True)
    activity_id: str
    district: str
    held_on: date
    setting: str
    topic: str
    participants: int
    age_band: str


class TrainingView(BaseModel):
    model_config = ConfigDict(frozen=True)
    training_key: str
    district: str
    topic: str
    audience: str
    status: str
    delivered_on: date | None
    participants: int | None


@router.get("/activities", summary="Prevention activities the caller may read")
async def activities(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> list[ActivityView]:
    rows = await request.app.state.pool.fetch(
        "SELECT * FROM activities WHERE ($1::text[] IS NULL OR district = ANY($1)) "
        "ORDER BY held_on DESC LIMIT 1000",
        readable_districts(principal, district),
    )
    return [ActivityView(**{**dict(r), "activity_id": str(r["activity_id"])}) for r in rows]


@router.get("/trainings", summary="Training requests and deliveries the caller may read")
async def trainings(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> list[TrainingView]:
    rows = await request.app.state.pool.fetch(
        "SELECT * FROM trainings WHERE ($1::text[] IS NULL OR district = ANY($1)) "
        "ORDER BY training_key LIMIT 1000",
        readable_districts(principal, district),
    )
    return [TrainingView(**{**dict(r), "training_key": str(r["training_key"])}) for r in rows]
