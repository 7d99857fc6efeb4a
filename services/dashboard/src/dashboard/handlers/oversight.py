"""A subject's journey (specialists; every read audited by the API), indicators with charts
and CSV export, dead letters and lag (operators), the audit trail (auditors)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from dashboard import charts, lag, views
from dashboard.access import Page
from dashboard.errors import BadInput, NotFound, Unavailable
from dashboard.handlers.common import Signed, api
from dashboard.sessions import Session
from dashboard.web import allowed, render, translator
from samverkan_contracts.registry import EVENT_TYPES, TYPE_PREFIX
from samverkan_contracts.subjects import SUBJECT_REF_PATTERN

router = APIRouter()

Period = Annotated[str | None, Query(pattern=r"^\d{4}(-(Q[1-4]|\d{2}))?$")]
EventFamily = Annotated[str | None, Query(pattern=r"^[a-z_.]{0,100}$")]
#: Event families, as the indicators API names them (``prevention.activity.held``).
FAMILIES = sorted({re.sub(r"\.v\d+$", "", t.removeprefix(TYPE_PREFIX)) for t in EVENT_TYPES})


@router.get("/journey")
async def journey_form(request: Request, session: Signed, subject: str = "") -> HTMLResponse:
    return _journey_form(
        request, allowed(session, Page.JOURNEY), subject=subject, purpose="", problem=None
    )


@router.post("/journey")
async def journey(
    request: Request,
    session: Signed,
    subject: Annotated[str, Form(max_length=100)],
    purpose: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form()],
) -> HTMLResponse:
    allowed(session, Page.JOURNEY)
    if csrf != session.csrf:
        raise BadInput
    subject, purpose = subject.strip(), purpose.strip()
    if not re.fullmatch(SUBJECT_REF_PATTERN, subject) or len(purpose) < 3:  # noqa: PLR2004 - as the API
        return _journey_form(
            request,
            session,
            subject=subject,
            purpose=purpose,
            problem="journey.invalid",
            status=400,
        )
    try:
        found = await api(request).json(
            session, f"/subjects/{subject}/journey", {"purpose": purpose}
        )
    except NotFound:
        return _journey_form(
            request, session, subject=subject, purpose=purpose, problem="journey.not_visible",
            status=404,
        )  # fmt: skip
    return render(
        request, "journey.html", session=session, page=Page.JOURNEY, title="journey.title",
        j=found, purpose=purpose,
    )  # fmt: skip


def _journey_form(  # noqa: PLR0913 - the form's state
    request: Request,
    session: Session,
    *,
    subject: str,
    purpose: str,
    problem: str | None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request, "journey_form.html", session=session, page=Page.JOURNEY,
        title="journey.title", status=status, subject=subject, purpose=purpose,
        problem=problem, subject_pattern=SUBJECT_REF_PATTERN.strip("^$"),
    )  # fmt: skip


@router.get("/indicators")
async def indicators(
    request: Request, session: Signed, period: Period = None, event: EventFamily = None
) -> HTMLResponse:
    allowed(session, Page.INDICATORS)
    period, event = period or str(_now().year), event or None
    months = [m for m in views.months_of(period) if m <= _now().strftime("%Y-%m")]
    found, *monthly = await asyncio.gather(
        *(_indicators(request, session, p, event) for p in [period, *months])
    )
    t = translator(request)
    series = {
        t(f"area.{area}"): [m["area_totals"].get(area) for m in monthly] for area in views.AREAS
    }
    return render(
        request, "indicators.html", session=session, page=Page.INDICATORS,
        title="indicators.title", live=True, ind=found, table=views.indicator_table(found),
        areas=views.AREAS, period=period, periods=_periods(), event=event, events=FAMILIES,
        csv_href=str(request.url_for("indicators_csv").include_query_params(
            period=period, **({"event": event} if event else {}))),
        chart_time=charts.over_time(t("indicators.chart_time_title"), months, series),
        chart_areas=charts.by_category(
            t("indicators.chart_areas_title"), [t(f"area.{a}") for a in views.AREAS],
            [found["area_totals"].get(a) for a in views.AREAS]),
    )  # fmt: skip


async def _indicators(
    request: Request, session: Session, period: str, event: str | None
) -> dict[str, Any]:
    params = {"period": period, "event": event}
    found: dict[str, Any] = await api(request).json(session, "/indicators", params)
    return found


@router.get("/indicators.csv", name="indicators_csv")
async def indicators_csv(
    request: Request, session: Signed, period: Period = None, event: EventFamily = None
) -> Response:
    period = period or str(_now().year)
    params = {"period": period, "event": event or None, "format": "csv"}
    text = await api(request).text(allowed(session, Page.INDICATORS), "/indicators", params)
    filename = f"samverkan-indicators-{period}.csv"
    disposition = {"content-disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=disposition)


def _now() -> datetime:
    return datetime.now(UTC)


def _periods() -> list[str]:
    """This year and last, their quarters, and this year's months so far."""
    now = _now()
    this_year = [f"{now.year}-{m:02d}" for m in range(1, now.month + 1)]
    quarters = [f"{y}-Q{q}" for y in (now.year, now.year - 1) for q in (1, 2, 3, 4)]
    return [str(now.year), str(now.year - 1), *quarters, *reversed(this_year)]


@router.get("/operations")
async def operations(request: Request, session: Signed) -> HTMLResponse:
    letters = await api(request).json(allowed(session, Page.OPERATIONS), "/dead-letters")
    partitions: list[lag.PartitionLag] | None = None
    with contextlib.suppress(Unavailable, ValueError):
        partitions = lag.consumer_lag(await api(request).metrics())
    return render(
        request, "operations.html", session=session, page=Page.OPERATIONS,
        title="operations.title", letters=letters, lag=partitions,
        lag_total=sum(p.behind for p in partitions or []),
    )  # fmt: skip


AUDIT_PAGE = 50


@router.get("/audit")
async def audit(
    request: Request, session: Signed, after: Annotated[int, Query(ge=0)] = 0
) -> HTMLResponse:
    params = {"after": after, "limit": AUDIT_PAGE}
    entries = await api(request).json(allowed(session, Page.AUDIT), "/audit", params)
    return render(
        request, "audit.html", session=session, page=Page.AUDIT, title="audit.title",
        entries=entries, after=after, more=len(entries) == AUDIT_PAGE,
    )  # fmt: skip
