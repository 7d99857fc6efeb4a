"""District action plans, which every programme area has: the same state in every service.

A plan is one row per plan id, replaced by each newer revision; an older or equal revision
with different content is a conflict naming the current revision.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.problems import StateConflict
from samverkan_common.scope import readable_districts
from samverkan_common.web import CurrentPrincipal
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from samverkan_contracts.events.plans import PlanUpdated

DDL = """
CREATE TABLE plans (
    plan_id        uuid PRIMARY KEY,
    district       text    NOT NULL,
    area           text    NOT NULL,
    revision       integer NOT NULL,
    title          text    NOT NULL,
    status         text    NOT NULL,
    adopted_on     date,
    next_review_on date    NOT NULL,
    measures       jsonb   NOT NULL,
    updated_at     timestamptz NOT NULL,
    event_id       uuid    NOT NULL
);
CREATE INDEX plans_district ON plans (district, area);
"""


async def record_plan(conn: Connection, event: CloudEvent[EventData], principal: Principal) -> None:
    """Use case for every ``<area>.plan.updated``: keep the newest revision."""
    del principal
    plan = event.data_as(PlanUpdated)
    current = await conn.fetchrow(
        "SELECT revision, district, area FROM plans WHERE plan_id = $1 FOR UPDATE", plan.plan_id
    )
    if current is not None:
        if (current["district"], current["area"]) != (event.district, event.programmearea.value):
            raise StateConflict("the plan belongs to another district or area")
        if current["revision"] >= plan.revision:
            raise StateConflict(
                f"revision {plan.revision} is not newer than the plan's",
                current_state=f"revision {current['revision']}",
            )
    await conn.execute(
        "INSERT INTO plans VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) "
        "ON CONFLICT (plan_id) DO UPDATE SET revision = $4, title = $5, status = $6, "
        "adopted_on = $7, next_review_on = $8, measures = $9::jsonb, updated_at = $10, "
        "event_id = $11",
        plan.plan_id,
        event.district,
        event.programmearea.value,
        plan.revision,
        plan.title,
        plan.status.value,
        plan.adopted_on,
        plan.next_review_on,
        json.dumps([m.model_dump(mode="json") for m in plan.measures]),
        event.time,
        event.id,
    )


class PlanView(BaseModel):
    """A district's action plan for one programme area, as it stands."""

    model_config = ConfigDict(frozen=True)
    plan_id: str
    district: str
    area: str
    revision: int
    title: str
    status: str
    adopted_on: date | None
    next_review_on: date
    measures: list[dict[str, object]]


def plans_router() -> APIRouter:
    router = APIRouter(tags=["plans"])

    @router.get("/plans", summary="Action plans the caller may read")
    async def list_plans(
        request: Request,
        principal: CurrentPrincipal,
        district: Annotated[str | None, Query(description="Only this district.")] = None,
    ) -> list[PlanView]:
        districts = readable_districts(principal, district)
        rows = await request.app.state.pool.fetch(
            "SELECT * FROM plans WHERE ($1::text[] IS NULL OR district = ANY($1)) "
            "ORDER BY district, area",
            districts,
        )
        return [
            PlanView(
                plan_id=str(r["plan_id"]),
                district=r["district"],
                area=r["area"],
                revision=r["revision"],
                title=r["title"],
                status=r["status"],
                adopted_on=r["adopted_on"],
                next_review_on=r["next_review_on"],
                measures=json.loads(r["measures"]),
            )
            for r in rows
        ]

    return router
