"""Read endpoints for trafficking specialists only: every other caller is refused (403),
whatever else their roles let them read. Within that, the usual district scope applies."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from samverkan_common.auth import Principal
from samverkan_common.problems import Forbidden, NotFound
from samverkan_common.scope import readable_districts
from samverkan_common.web import CurrentPrincipal
from trafficking.domain.access import reads_cases
from trafficking.domain.cases import CaseStatus
from trafficking.store import repository as repo

router = APIRouter(tags=["trafficking"])


class CaseSummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_id: str
    district: str
    status: str
    registered_at: datetime
    indicators: list[str]
    origin: str
    age_band: str
    closed_on: date | None
    outcome: str | None


class CaseStepView(BaseModel):
    model_config = ConfigDict(frozen=True)
    step: str
    occurred_on: date
    recorded_by: str
    details: dict[str, Any]


class CaseDetail(CaseSummary):
    registered_by: str
    subject_ref: str | None
    steps: list[CaseStepView]


def _scope(principal: Principal, district: str | None) -> list[str] | None:
    if not reads_cases(principal.realm_roles):
        raise Forbidden("trafficking cases are for trafficking specialists only")
    return readable_districts(principal, district)


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    return {**dict(row), "case_id": str(row["case_id"]), "indicators": list(row["indicators"])}


def _step(row: asyncpg.Record) -> CaseStepView:
    return CaseStepView.model_validate({**dict(row), "details": json.loads(row["details"])})


@router.get("/cases", summary="Trafficking cases (trafficking specialists only)")
async def list_cases(
    request: Request,
    principal: CurrentPrincipal,
    district: Annotated[str | None, Query(description="Only this district.")] = None,
    status: Annotated[CaseStatus | None, Query(description="Only cases in this state.")] = None,
) -> list[CaseSummary]:
    rows = await repo.cases(_pool(request), _scope(principal, district), status)
    return [CaseSummary.model_validate(_summary(r)) for r in rows]


@router.get("/cases/{case_id}", summary="One trafficking case and its course (specialists only)")
async def case_detail(request: Request, principal: CurrentPrincipal, case_id: UUID) -> CaseDetail:
    found = await repo.case_detail(_pool(request), case_id, _scope(principal, None))
    if found is None:
        raise NotFound(f"no trafficking case {case_id}")
    row, steps = found
    return CaseDetail.model_validate({**_summary(row), "steps": [_step(s) for s in steps]})
