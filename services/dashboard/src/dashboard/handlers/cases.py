"""Pages over case data: the city overview, a district, the referrals board, the consultation
queue and alerts. The coordination API scopes every answer to the person's organisation."""

from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from dashboard import charts, views
from dashboard.access import Page
from dashboard.errors import NotFound, NotYours
from dashboard.handlers.common import DistrictCode, DistrictFilter, Flag, Signed, api
from dashboard.i18n import Translator
from dashboard.web import allowed, render, translator

router = APIRouter()


@router.get("/")
async def home(session: Signed) -> Response:
    page = session.person.home()
    if page is None:
        raise NotYours
    return RedirectResponse(page.path, status_code=303)


@router.get("/overview")
async def overview(request: Request, session: Signed) -> HTMLResponse:
    data = await api(request).json(allowed(session, Page.OVERVIEW), "/overview")
    rows = views.matrix(data)
    return render(
        request, "overview.html", session=session, page=Page.OVERVIEW, title="overview.title",
        live=True, rows=rows, areas=views.AREAS, as_of=data.get("as_of"),
        plan_states=PLAN_STATES,
    )  # fmt: skip


PLAN_STATES = ("adopted", "under_review", "draft", "past_review_date", "expired", "none")


@router.get("/districts/{code}")
async def district(request: Request, session: Signed, code: DistrictCode) -> HTMLResponse:
    allowed(session, Page.OVERVIEW)
    if code not in views.district_codes():
        raise NotFound
    coordination, params = api(request), {"district": code}
    overview, referrals, consultations, alerts = await asyncio.gather(
        coordination.json(session, "/overview", params),
        coordination.json(session, "/referrals", params),
        coordination.json(session, "/consultations", params),
        coordination.json(session, "/alerts", params),
    )
    row = next(iter(views.matrix(overview)), None)
    return render(
        request, "district.html", session=session, page=Page.OVERVIEW,
        title="district.page_title", live=True, live_district=code, district=code, row=row,
        chart=_district_chart(translator(request), row) if row else None,
        referrals=views.board(referrals)[0], consultations=views.queue(consultations),
        alerts=views.alert_groups(alerts),
    )  # fmt: skip


def _district_chart(t: Translator, row: views.MatrixRow) -> str:
    return charts.by_category(
        t("district.chart_title"),
        [t(f"area.{cell.area}") for cell in row.cells],
        [cell.activity_365d for cell in row.cells],
    )


@router.get("/referrals")
async def referrals(
    request: Request,
    session: Signed,
    district: DistrictFilter = None,
    overdue: Flag = False,  # noqa: FBT002 - a query flag
    closed: Flag = False,  # noqa: FBT002 - a query flag
) -> HTMLResponse:
    params = {"district": district or None, "include_closed": closed}
    found = await api(request).json(allowed(session, Page.REFERRALS), "/referrals", params)
    items, counts = views.board(found)
    shown = [i for i in items if i.get("overdue")] if overdue else items
    return render(
        request, "referrals.html", session=session, page=Page.REFERRALS,
        title="referrals.title", live=True, items=shown, counts=counts,
        statuses=views.BOARD_STATUSES, overdue_count=sum(bool(i.get("overdue")) for i in items),
        district=district, districts=_choices(session), overdue_only=overdue,
        include_closed=closed,
    )  # fmt: skip


@router.get("/referrals/{referral_id}")
async def referral(request: Request, session: Signed, referral_id: UUID) -> HTMLResponse:
    found = await api(request).json(allowed(session, Page.REFERRALS), f"/referrals/{referral_id}")
    return render(
        request, "referral.html", session=session, page=Page.REFERRALS,
        title="referral.page_title", live=True, r=found,
    )  # fmt: skip


@router.get("/consultations")
async def consultations(
    request: Request,
    session: Signed,
    district: DistrictFilter = None,
    answered: Flag = False,  # noqa: FBT002 - a query flag
) -> HTMLResponse:
    params = {"district": district or None, "include_answered": answered}
    found = await api(request).json(allowed(session, Page.CONSULTATIONS), "/consultations", params)
    return render(
        request, "consultations.html", session=session, page=Page.CONSULTATIONS,
        title="consultations.title", live=True, items=views.queue(found), district=district,
        districts=_choices(session), include_answered=answered,
    )  # fmt: skip


@router.get("/consultations/{consultation_id}")
async def consultation(request: Request, session: Signed, consultation_id: UUID) -> HTMLResponse:
    path = f"/consultations/{consultation_id}"
    found = await api(request).json(allowed(session, Page.CONSULTATIONS), path)
    return render(
        request, "consultation.html", session=session, page=Page.CONSULTATIONS,
        title="consultation.page_title", live=True, c=found,
    )  # fmt: skip


@router.get("/alerts")
async def alerts(request: Request, session: Signed) -> HTMLResponse:
    params = {"purpose": "dashboard: alerts page"}
    found = await api(request).json(allowed(session, Page.ALERTS), "/alerts", params)
    return render(
        request, "alerts.html", session=session, page=Page.ALERTS, title="alerts.title",
        live=True, groups=views.alert_groups(found), total=len(found),
    )  # fmt: skip


def _choices(session: Signed) -> list[str]:
    """Districts offered in a filter: every district to the central unit, none to others
    (who see their own organisation's data without choosing)."""
    return views.district_codes() if session.person.districts() is None else []
