"""The query API: the shared view, scoped by the caller's token."""

from __future__ import annotations

import csv
import io
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response

from coordination import indicators as ind
from coordination import reads
from coordination.models import Alert, BoardItem, Indicators, Journey, Overview, QueueItem
from samverkan_common.problems import NotFound
from samverkan_common.web import CurrentPrincipal
from samverkan_contracts.subjects import SUBJECT_REF_PATTERN

router = APIRouter(tags=["view"])
T = TypeVar("T")

District = Annotated[
    str | None, Query(description="Only this district (your own, unless central).")
]
Format = Annotated[str, Query(pattern="^(json|csv)$", description="json or csv (an export).")]
Purpose = Annotated[
    str,
    Query(min_length=3, max_length=200, description="Why you read it; written to the audit log."),
]


@router.get(
    "/overview", summary="Districts x programme areas: plans, activity, referrals, consultations"
)
async def overview(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> Overview:
    return await reads.overview(
        request.app.state.pool, request.app.state.settings, principal, district
    )


@router.get(
    "/referrals",
    summary="The referrals board: where each loop waits and for whom",
    response_model=list[BoardItem],
)
async def referrals(
    request: Request,
    principal: CurrentPrincipal,
    *,
    district: District = None,
    include_closed: bool = False,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response | list[BoardItem]:
    items = await reads.board(
        request.app.state.pool,
        request.app.state.settings,
        principal,
        district,
        open_only=not include_closed,
    )
    return _csv(items) if format == "csv" else items


@router.get("/referrals/{referral_id}", summary="One referral on the board")
async def referral(request: Request, principal: CurrentPrincipal, referral_id: UUID) -> BoardItem:
    items = await reads.board(
        request.app.state.pool,
        request.app.state.settings,
        principal,
        None,
        open_only=False,
        referral_id=referral_id,
    )
    return _one(items)


@router.get(
    "/consultations",
    summary="The consultation queue with deadlines and escalation",
    response_model=list[QueueItem],
)
async def consultations(
    request: Request,
    principal: CurrentPrincipal,
    *,
    district: District = None,
    include_answered: bool = False,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response | list[QueueItem]:
    items = await reads.consultation_queue(
        request.app.state.pool,
        request.app.state.settings,
        principal,
        district,
        waiting_only=not include_answered,
    )
    return _csv(items) if format == "csv" else items


@router.get("/consultations/{consultation_id}", summary="One consultation in the queue")
async def consultation(
    request: Request, principal: CurrentPrincipal, consultation_id: UUID
) -> QueueItem:
    items = await reads.consultation_queue(
        request.app.state.pool,
        request.app.state.settings,
        principal,
        None,
        waiting_only=False,
        consultation_id=consultation_id,
    )
    return _one(items)


@router.get("/alerts", summary="Alerts with their reasons and links")
async def alerts(
    request: Request,
    principal: CurrentPrincipal,
    district: District = None,
    purpose: Annotated[
        str | None, Query(max_length=200, description="Audited with subject alerts.")
    ] = None,
) -> list[Alert]:
    return await reads.alerts(
        request.app.state.pool, request.app.state.settings, principal, district, purpose
    )


@router.get(
    "/subjects/{subject_ref}/journey", summary="One subject's journey (specialists; audited)"
)
async def journey(
    request: Request,
    principal: CurrentPrincipal,
    purpose: Purpose,
    subject_ref: Annotated[str, Path(pattern=SUBJECT_REF_PATTERN)],
) -> Journey:
    return await reads.journey(request.app.state.pool, principal, subject_ref, purpose)


@router.get(
    "/indicators",
    summary="k-anonymous counts by district, area and period",
    response_model=Indicators,
)
async def indicators(
    request: Request,
    principal: CurrentPrincipal,
    period: Annotated[str, Query(description="2026, 2026-Q1 or 2026-03.", examples=["2026-Q1"])],
    event: Annotated[
        str | None,
        Query(description="Only this event family.", examples=["trafficking.suspicion.registered"]),
    ] = None,
    format: Format = "json",  # noqa: A002 - the query parameter's name
) -> Response | Indicators:
    result = await ind.indicators(
        request.app.state.pool, principal, period, event, request.app.state.settings.suppression_k
    )
    return (
        PlainTextResponse(ind.as_csv(result), media_type="text/csv") if format == "csv" else result
    )


def _one(items: list[T]) -> T:
    if not items:
        raise NotFound("nothing with this id is visible to you")
    return items[0]


def _csv(items: list[BoardItem] | list[QueueItem]) -> Response:
    out = io.StringIO()
    if items:
        writer = csv.DictWriter(out, fieldnames=list(items[0].model_dump()), lineterminator="\n")
        writer.writeheader()
        for item in items:
            writer.writerow(item.model_dump(mode="json"))
    return PlainTextResponse(out.getvalue(), media_type="text/csv")
