"""Use cases of the outreach service, one per event type; each runs in the ingestion
transaction (see samverkan_common.ingest)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from outreach.domain import operations as ops
from outreach.domain.access import ReporterMismatchError, check_reporter
from outreach.store import repository as repo
from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.ingest import UseCase, by_type
from samverkan_common.plans import record_plan
from samverkan_common.problems import Forbidden, InvalidRequest, StateConflict
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from samverkan_contracts.errors import ErrorDetail
from samverkan_contracts.events import plans
from samverkan_contracts.events.outreach import (
    ArenaObserved,
    ContactMade,
    HousingSignalReported,
    JointOperationCompleted,
    JointOperationPlanned,
)


async def make_contact(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    contact = event.data_as(ContactMade)
    if not await repo.add_contact(conn, event.district, event.actororg, contact):
        raise _taken("contact", contact.contact_id)


async def observe_arena(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    observation = event.data_as(ArenaObserved)
    if not await repo.add_observation(conn, event.district, event.actororg, observation):
        raise _taken("observation", observation.observation_id)


async def report_signal(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    signal = event.data_as(HousingSignalReported)
    with _refusals():
        check_reporter(event.actororg, signal.reported_by)
    if not await repo.add_signal(conn, event.district, signal):
        raise _taken("housing signal", signal.signal_id)


async def plan_operation(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    planned = event.data_as(JointOperationPlanned)
    current = await repo.operation(conn, planned.operation_id)
    with _refusals():
        ops.plan(
            current,
            actor=event.actororg,
            district=event.district,
            participants=planned.participants,
        )
    await repo.add_operation(conn, event.district, event.actororg, planned)


async def complete_operation(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    completed = event.data_as(JointOperationCompleted)
    current = await repo.operation(conn, completed.operation_id)
    with _refusals():
        ops.complete(current, actor=event.actororg, district=event.district)
    await repo.complete_operation(conn, event.actororg, completed)


def _taken(what: str, key: object) -> StateConflict:
    return StateConflict(f"{what} {key} is already recorded", current_state="recorded")


@contextmanager
def _refusals() -> Iterator[None]:
    """Translate the domain's refusals into problem answers."""
    try:
        yield
    except (ops.OperationStateError, ops.OtherDistrictError) as error:
        raise StateConflict(str(error), current_state=error.state) from None
    except (ops.NotAParticipantError, ReporterMismatchError) as error:
        raise Forbidden(str(error)) from None
    except ops.DistrictNotParticipatingError as error:
        where = ErrorDetail(path="$.data.participants", type="district_missing", message=str(error))
        raise InvalidRequest("the operation is invalid", [where]) from None


USE_CASES: Mapping[str, UseCase] = by_type(
    {
        ContactMade: make_contact,
        ArenaObserved: observe_arena,
        HousingSignalReported: report_signal,
        JointOperationPlanned: plan_operation,
        JointOperationCompleted: complete_operation,
        plans.OutreachPlanUpdated: record_plan,
    }
)
