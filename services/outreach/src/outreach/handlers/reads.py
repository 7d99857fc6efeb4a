"""Read endpoints: a district reads its own records, the central unit's specialists read all,
a housing company reads the signals it sent. Subject references are shown only to roles
that do case work."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from outreach.domain.access import shows_subjects
from outreach.store import repository as repo
from samverkan_common.auth import Principal
from samverkan_common.scope import readable_districts
from samverkan_common.web import CurrentPrincipal
from samverkan_contracts.organisations import OrganisationKind, load_organisations

router = APIRouter(tags=["outreach"])

District = Annotated[str | None, Query(description="Only this district.")]


class ContactView(BaseModel):
    model_config = ConfigDict(frozen=True)
    contact_id: str
    district: str
    contacted_at: datetime
    arena: str
    pseudonymous: bool
    subject_ref: str | None
    anonymous_count: int | None
    age_band: str
    needs_identified: list[str]


class ObservationView(BaseModel):
    model_config = ConfigDict(frozen=True)
    observation_id: str
    district: str
    arena: str
    period_start: date
    period_end: date
    unit: str
    observed_count: int
    note: str | None


class OperationView(BaseModel):
    model_config = ConfigDict(frozen=True)
    operation_id: str
    district: str
    planned_by: str
    planned_for: date
    arena: str
    participants: list[str]
    purpose: str
    status: str
    completed_by: str | None
    completed_on: date | None
    contacts_made: int | None
    referrals_made: int | None
    note: str | None


class HousingSignalView(BaseModel):
    model_config = ConfigDict(frozen=True)
    signal_id: str
    district: str
    reported_by: str
    property_ref: str
    indicators: list[str]
    observed_on: date


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _contact(row: asyncpg.Record, *, with_subject: bool) -> ContactView:
    return ContactView(
        contact_id=str(row["contact_id"]),
        district=row["district"],
        contacted_at=row["contacted_at"],
        arena=row["arena"],
        pseudonymous=row["subject_ref"] is not None,
        subject_ref=row["subject_ref"] if with_subject else None,
        anonymous_count=row["anonymous_count"],
        age_band=row["age_band"],
        needs_identified=list(row["needs"]),
    )


@router.get("/contacts", summary="Outreach contacts the caller may read")
async def contacts(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> list[ContactView]:
    rows = await repo.contacts(_pool(request), readable_districts(principal, district))
    with_subject = shows_subjects(principal.realm_roles)
    return [_contact(r, with_subject=with_subject) for r in rows]


@router.get("/observations", summary="Arena observations the caller may read")
async def observations(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> list[ObservationView]:
    rows = await repo.observations(_pool(request), readable_districts(principal, district))
    return [
        ObservationView(**{**dict(r), "observation_id": str(r["observation_id"])}) for r in rows
    ]


@router.get(
    "/operations", summary="Joint operations about, or with, the districts the caller may read"
)
async def operations(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> list[OperationView]:
    rows = await repo.operations(_pool(request), readable_districts(principal, district))
    return [OperationView(**{**dict(r), "operation_id": str(r["operation_id"])}) for r in rows]


@router.get("/housing-signals", summary="Housing signals the caller may read")
async def housing_signals(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> list[HousingSignalView]:
    rows = await repo.housing_signals(_pool(request), *_signal_scope(principal, district))
    return [HousingSignalView(**{**dict(r), "signal_id": str(r["signal_id"])}) for r in rows]


def _signal_scope(
    principal: Principal, district: str | None
) -> tuple[list[str] | None, str | None]:
    """(districts, reporter): a housing company reads the signals it sent, about any district."""
    org = load_organisations().get(principal.organisation)
    if org is None or org.kind is not OrganisationKind.COMPANY:
        return readable_districts(principal, district), None
    readable_districts(principal)  # refuses a company account without a reader role
    return ([district] if district else None), principal.organisation
