"""The query API: the shared view, scoped by the caller's token."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import TypeAdapter

from coordination import indicators as ind
from coordination import reads
from coordination.models import Alert, BoardItem, Indicators, Journey, Overview, QueueItem
from coordination.pages import Key, Page, PageCache, page_key
from samverkan_common.problems import NotFound
from samverkan_common.web import CurrentPrincipal
from samverkan_contracts.subjects import SUBJECT_REF_PATTERN

router = APIRouter(tags=["view"])
T = TypeVar("T")
_OVERVIEW = TypeAdapter(Overview)
_BOARD = TypeAdapter(list[BoardItem])
_QUEUE = TypeAdapter(list[QueueItem])
_ALERTS = TypeAdapter(list[Alert])

District = Annotated[
    str | None, Query(description="Only this district (your own, unless central).")
]
Format = Annotated[str, Query(pattern="^(json|csv)$", description="json or csv (an export).")]
Purpose = Annotated[
    str,
    Query(min_length=3, max_length=200, description="Why you read it; written to the audit log."),
]


@router.get(
    "/overview",
    summary="Districts x programme areas: plans, activity, referrals, consultations",
    response_model=Overview,
)
async def overview(
    request: Request, principal: CurrentPrincipal, district: District = None
) -> Response:
    async def render() -> Page:
        state = request.app.state
        return _json(
            _OVERVIEW, await reads.overview(state.pool, state.settings, principal, district)
        )

    return await _kept(request, page_key(principal, "overview", district), render)


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
) -> Response:
    async def render() -> Page:
        state = request.app.state
        items = await reads.board(
            state.pool, state.settings, principal, district, open_only=not include_closed
        )
        return _csv(items) if format == "csv" else _json(_BOARD, items)

    key = page_key(principal, "referrals", district, include_closed, format)
    return await _kept(request, key, render)


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
) -> Response:
    async def render() -> Page:
        state = request.app.state
        items = await reads.consultation_queue(
            state.pool, state.settings, principal, district, waiting_only=not include_answered
        )
        return _csv(items) if format == "csv" else _json(_QUEUE, items)

    key = page_key(principal, "consultations", district, include_answered, format)
    return await _kept(request, key, render)


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


@router.get("/alerts", summary="Alerts with their reasons and links", response_model=list[Alert])
async def alerts(
    request: Request,
    principal: CurrentPrincipal,
    district: District = None,
    purpose: Annotated[
        str | None, Query(max_length=200, description="Audited with subject alerts.")
    ] = None,
) -> Response:
    async def render() -> Page:
        state = request.app.state
        found = await reads.alerts(state.pool, state.settings, principal, district, purpose)
        return _json(_ALERTS, found)

    if reads.alerts_audited(principal):  # every such read is logged: never kept
        return (await render()).response()
    return await _kept(request, page_key(principal, "alerts", district), render)


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


async def _kept(request: Request, key: Key, render: Callable[[], Awaitable[Page]]) -> Response:
    """The page kept under ``key`` (coordination.pages), rendered when there is none or the
    request says ``Cache-Control: no-cache``."""
    pages: PageCache = request.app.state.pages
    fresh = "no-cache" in request.headers.get("cache-control", "").lower()
    return (await pages.get(key, render, fresh=fresh)).response()


def _json(adapter: TypeAdapter[Any], value: object) -> Page:
    return Page(adapter.dump_json(value), "application/json")


def _csv(items: list[BoardItem] | list[QueueItem]) -> Page:
    out = io.StringIO()
    if items:
        writer = csv.DictWriter(out, fieldnames=list(items[0].model_dump()), lineterminator="\n")
        writer.writeheader()
        for item in items:
            writer.writerow(item.model_dump(mode="json"))
    return Page(out.getvalue().encode(), "text/csv")
