"""Indicators for use outside the specialist circle: counts by district, area and period,
k-anonymous by small-cell suppression with complementary cells."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import asyncpg

from coordination.domain.suppression import suppress
from coordination.models import IndicatorCell, Indicators
from coordination.reads import AREAS, districts, schema_of
from coordination.store import queries
from samverkan_common.auth import Principal
from samverkan_common.problems import Forbidden, InvalidRequest
from samverkan_common.scope import READER_ROLES

INDICATOR_ROLES = READER_ROLES | {"operator", "auditor"}
_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


def period_days(period: str) -> tuple[date, date]:
    """``2026`` / ``2026-Q1`` / ``2026-03`` -> its first and last day."""
    match = _PERIOD.match(period)
    if not match:
        raise InvalidRequest(
            "period is a year, a quarter or a month",
            [{"path": "period", "type": "format", "message": "use 2026, 2026-Q1 or 2026-03"}],
        )
    year, part = int(match[1]), match[2]
    if part is None:
        return date(year, 1, 1), date(year, 12, 31)
    first_month, months = (3 * int(part[1]) - 2, 3) if part.startswith("Q") else (int(part), 1)
    if not 1 <= first_month <= 12:  # noqa: PLR2004 - months of the year
        raise InvalidRequest(
            "no such month", [{"path": "period", "type": "range", "message": "month 01-12"}]
        )
    first = date(year, first_month, 1)
    after = date(year + (first_month + months > 12), (first_month + months - 1) % 12 + 1, 1)  # noqa: PLR2004
    return first, after - timedelta(days=1)


async def indicators(
    pool: asyncpg.Pool, principal: Principal, period: str, event: str | None, k: int
) -> Indicators:
    if not principal.realm_roles & INDICATOR_ROLES:
        raise Forbidden("this role reads no indicators")
    first, last = period_days(period)
    async with pool.acquire() as conn:
        rows = await queries.counts(conn, await schema_of(conn), first, last, event)
    found = {(r["district"], r["area"]): int(r["n"]) for r in rows}
    names = districts(None)
    names += sorted({d for d, _ in found} - set(names))
    table = suppress([[found.get((d, a), 0) for a in AREAS] for d in names], k)
    return Indicators(
        period=period,
        first_day=first,
        last_day=last,
        event=event,
        k=k,
        cells=[
            IndicatorCell(
                district=d, area=a, count=table.cells[i][j], suppressed=table.cells[i][j] is None
            )
            for i, d in enumerate(names)
            for j, a in enumerate(AREAS)
        ],
        district_totals=dict(zip(names, table.row_totals, strict=True)),
        area_totals=dict(zip(AREAS, table.column_totals, strict=True)),
        total=table.total,
    )


def as_csv(ind: Indicators) -> str:
    """One line per cell and total; a suppressed count is empty with ``suppressed`` true."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "district", "area", "count", "suppressed"])
    lines = [(c.district, c.area, c.count) for c in ind.cells]
    lines += [(d, "total", n) for d, n in ind.district_totals.items()]
    lines += [("total", a, n) for a, n in ind.area_totals.items()]
    lines += [("total", "total", ind.total)]
    for district, area, count in lines:
        writer.writerow([ind.period, district, area, "" if count is None else count, count is None])
    return out.getvalue()
