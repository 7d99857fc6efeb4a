"""What the pages show, made from the coordination API's answers: pure functions, no I/O."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from samverkan_contracts.base import ProgrammeArea
from samverkan_contracts.organisations import OrganisationKind, load_organisations

AREAS: tuple[str, ...] = tuple(a.value for a in ProgrammeArea)
#: How strongly a cell is shaded by its activity (0 = none ... 4 = the busiest of the view), on a
#: logarithmic scale so that one very busy cell does not flatten all others.
HEAT_LEVELS = 4
#: Board columns in the order a referral's loop moves through them.
BOARD_STATUSES = (
    "incomplete",
    "sent",
    "received",
    "accepted",
    "declined",
    "completed",
    "withdrawn",
)


def organisation_names() -> dict[str, str]:
    """Code -> official (Swedish) name, from the organisations data."""
    return {o.code: o.name for o in load_organisations()}


def district_codes() -> list[str]:
    """The current districts, from the organisations data (never a list in code)."""
    return [
        o.code for o in load_organisations().of_kind(OrganisationKind.DISTRICT) if not o.retired_on
    ]


@dataclass(frozen=True)
class Cell:
    district: str
    area: str
    plan: str
    next_review_on: str | None
    activity_30d: int | None
    activity_365d: int | None
    heat: int


@dataclass(frozen=True)
class MatrixRow:
    district: str
    cells: list[Cell]
    referrals_open_in: int
    referrals_open_out: int
    consultations_waiting: int
    median_response_hours: float | None


def matrix(overview: Mapping[str, Any]) -> list[MatrixRow]:
    """Districts x programme areas, in the order of the organisations data."""
    rows: list[Mapping[str, Any]] = list(overview.get("districts", []))
    order = {code: i for i, code in enumerate(district_codes())}
    rows.sort(key=lambda r: (order.get(r["district"], len(order)), r["district"]))
    busiest = max(
        (c.get("activity_30d") or 0 for r in rows for c in r.get("areas", {}).values()), default=0
    )
    return [
        MatrixRow(
            district=r["district"],
            cells=[
                _cell(r["district"], area, r.get("areas", {}).get(area), busiest) for area in AREAS
            ],
            referrals_open_in=int(r.get("referrals_open_in", 0)),
            referrals_open_out=int(r.get("referrals_open_out", 0)),
            consultations_waiting=int(r.get("consultations_waiting", 0)),
            median_response_hours=r.get("consultation_median_response_hours"),
        )
        for r in rows
    ]


def _cell(district: str, area: str, cell: Mapping[str, Any] | None, busiest: int) -> Cell:
    cell = cell or {}
    activity = cell.get("activity_30d")
    heat = (
        0
        if not activity or not busiest
        else max(1, math.ceil(HEAT_LEVELS * math.log1p(activity) / math.log1p(busiest)))
    )
    return Cell(
        district=district,
        area=area,
        plan=str(cell.get("plan", "none")),
        next_review_on=cell.get("plan_next_review_on"),
        activity_30d=activity,
        activity_365d=cell.get("activity_365d"),
        heat=heat,
    )


def plan_counts(rows: Sequence[MatrixRow]) -> dict[str, Counter[str]]:
    """Per area: how many districts have each plan state (the legend's numbers)."""
    counts: dict[str, Counter[str]] = {area: Counter() for area in AREAS}
    for row in rows:
        for cell in row.cells:
            counts[cell.area][cell.plan] += 1
    return counts


def board(items: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], Counter[str]]:
    """Referrals in the order that needs acting on first (overdue, then the nearest deadline),
    and how many stand at each status."""
    ordered = sorted(
        items,
        key=lambda i: (
            not i.get("overdue"),
            bool(i.get("closed")),
            i.get("deadline") or "9999",
            i.get("referral_id", ""),
        ),
    )
    return ordered, Counter(str(i.get("status")) for i in ordered)


def queue(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Consultations: most escalated first, then the earliest requested-by time."""
    return sorted(
        items,
        key=lambda i: (
            -int(i.get("escalation_level") or 0),
            not i.get("waiting"),
            i.get("respond_by") or "9999",
        ),
    )


_JOURNEY_LINK = re.compile(r"^/subjects/(?P<ref>[A-Za-z0-9_]+)/journey$")
_OVERVIEW_LINK = re.compile(r"^/overview\?district=(?P<district>[a-z0-9-]+)$")
_CASE_LINK = re.compile(r"^/(?P<kind>referrals|consultations)/(?P<id>[0-9a-f-]{36})$")


def page_link(api_link: str) -> str | None:
    """The dashboard page for a link the API gives with an alert (None: no such page)."""
    if match := _CASE_LINK.match(api_link):
        return f"/{match['kind']}/{match['id']}"
    if match := _OVERVIEW_LINK.match(api_link):
        return f"/districts/{match['district']}"
    if match := _JOURNEY_LINK.match(api_link):
        return f"/journey?subject={quote(match['ref'])}"
    return None


@dataclass(frozen=True)
class AlertGroup:
    kind: str
    alerts: list[Mapping[str, Any]]


def alert_groups(alerts: Iterable[Mapping[str, Any]]) -> list[AlertGroup]:
    """Alerts by kind, the kinds that name a person or a case first."""
    order = (
        "referral_unacknowledged",
        "consultation_unanswered",
        "repeated_contacts_no_referral",
        "housing_signals",
        "plan_past_review",
        "plan_missing",
    )
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for alert in alerts:
        links = {k: page_link(v) for k, v in alert.get("links", {}).items()}
        grouped.setdefault(str(alert.get("kind")), []).append({**alert, "links": links})
    rank = {kind: i for i, kind in enumerate(order)}
    return [
        AlertGroup(kind, grouped[kind])
        for kind in sorted(grouped, key=lambda k: (rank.get(k, len(rank)), k))
    ]


def indicator_table(indicators: Mapping[str, Any]) -> dict[str, dict[str, Mapping[str, Any]]]:
    """district -> area -> cell (count, suppressed)."""
    table: dict[str, dict[str, Mapping[str, Any]]] = {}
    for cell in indicators.get("cells", []):
        table.setdefault(cell["district"], {})[cell["area"]] = cell
    return table


def months_of(period: str) -> list[str]:
    """The months a year or quarter spans (``2026-Q2`` -> 2026-04 .. 2026-06); a month is
    itself."""
    year, _, part = period.partition("-")
    if not part:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    if part.startswith("Q"):
        first = 3 * int(part[1]) - 2
        return [f"{year}-{m:02d}" for m in range(first, first + 3)]
    return [period]
