"""Use cases of the trafficking service, one per event type; each runs in the ingestion
transaction (see samverkan_common.ingest). Every step is kept, so a case's detail shows
its whole course."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.ingest import UseCase, by_type
from samverkan_common.plans import record_plan
from samverkan_common.problems import StateConflict
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from samverkan_contracts.events import plans
from samverkan_contracts.events.trafficking import (
    PoliceReportFiled,
    ProtectionArranged,
    ReflectionPeriodGranted,
    SuspicionRegistered,
    TraffickingCaseClosed,
)
from trafficking.domain import cases
from trafficking.domain.cases import CaseStep
from trafficking.store import repository as repo


async def register_suspicion(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    suspicion = event.data_as(SuspicionRegistered)
    await _check(conn, event, CaseStep.SUSPICION_REGISTERED, suspicion.case_id)
    await repo.open_case(conn, event.district, event.actororg, event.time, suspicion)
    on = event.time.date()
    await repo.add_step(conn, event, CaseStep.SUSPICION_REGISTERED, suspicion.case_id, on)


async def file_police_report(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    report = event.data_as(PoliceReportFiled)
    await _take(conn, event, CaseStep.POLICE_REPORT_FILED, report.case_id, report.filed_on)


async def arrange_protection(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    measure = event.data_as(ProtectionArranged)
    await _take(conn, event, CaseStep.PROTECTION_ARRANGED, measure.case_id, measure.arranged_on)


async def grant_reflection_period(
    conn: Connection, event: CloudEvent[EventData], _: Principal
) -> None:
    period = event.data_as(ReflectionPeriodGranted)
    step = CaseStep.REFLECTION_PERIOD_GRANTED
    await _take(conn, event, step, period.case_id, period.valid_from)


async def close_case(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    closing = event.data_as(TraffickingCaseClosed)
    await _take(conn, event, CaseStep.CASE_CLOSED, closing.case_id, closing.closed_on)
    await repo.close_case(conn, closing)


async def _take(
    conn: Connection, event: CloudEvent[EventData], step: CaseStep, case_id: UUID, on: date
) -> None:
    """A step on an open case: checked, then kept in the case's course."""
    await _check(conn, event, step, case_id)
    await repo.add_step(conn, event, step, case_id, on)


async def _check(
    conn: Connection, event: CloudEvent[EventData], step: CaseStep, case_id: UUID
) -> None:
    """Refuse a step the case's state does not allow (409 naming the state)."""
    try:
        cases.apply(await repo.case(conn, case_id), step, event.district)
    except (cases.CaseStateError, cases.OtherDistrictError) as error:
        raise StateConflict(str(error), current_state=error.state) from None


USE_CASES: Mapping[str, UseCase] = by_type(
    {
        SuspicionRegistered: register_suspicion,
        PoliceReportFiled: file_police_report,
        ProtectionArranged: arrange_protection,
        ReflectionPeriodGranted: grant_reflection_period,
        TraffickingCaseClosed: close_case,
        plans.TraffickingPlanUpdated: record_plan,
    }
)
