"""Use cases of the outreach service, one per event type; each runs in the ingestion
transaction (see samverkan_common.ingest). Contacts, observations and housing signals, which
depend on nothing but their own ids, are recorded a run at a time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from uuid import UUID

from rfc9457 import Problem

from outreach.domain import operations as ops
from outreach.domain.access import ReporterMismatchError, check_reporter
from outreach.store import repository as repo
from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.ingest import Batched, Located, UseCase, by_type, first_unclaimed, located
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


async def make_contacts(conn: Connection, events: Sequence[Located], _: Principal) -> None:
    made = [(e.event.district, e.event.actororg, e.event.data_as(ContactMade)) for e in events]
    added = await repo.add_contacts(conn, made)
    _refuse_taken(events, "contact", [c.contact_id for _, _, c in made], added)


async def observe_arenas(conn: Connection, events: Sequence[Located], _: Principal) -> None:
    seen = [(e.event.district, e.event.actororg, e.event.data_as(ArenaObserved)) for e in events]
    added = await repo.add_observations(conn, seen)
    _refuse_taken(events, "observation", [o.observation_id for _, _, o in seen], added)


async def report_signals(conn: Connection, events: Sequence[Located], _: Principal) -> None:
    """The signals up to the first whose reporter is not the caller, then that refusal."""
    signals = [e.event.data_as(HousingSignalReported) for e in events]
    refusal: tuple[str, Problem] | None = None
    for i, (item, signal) in enumerate(zip(events, signals, strict=True)):
        try:
            with _refusals():
                check_reporter(item.event.actororg, signal.reported_by)
        except Problem as problem:
            refusal, signals = (item.root, problem), signals[:i]
            break
    if signals:
        added = await repo.add_signals(
            conn, [(e.event.district, s) for e, s in zip(events, signals, strict=False)]
        )
        _refuse_taken(events, "housing signal", [s.signal_id for s in signals], added)
    if refusal is not None:
        with located(refusal[0]):
            raise refusal[1]


def _refuse_taken(events: Sequence[Located], what: str, keys: list[UUID], added: set[UUID]) -> None:
    """Refuse the first event whose id was taken before, or earlier in the same request."""
    taken = first_unclaimed(keys, added)
    if taken is not None:
        with located(events[taken].root):
            raise StateConflict(
                f"{what} {keys[taken]} is already recorded", current_state="recorded"
            )


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
        ContactMade: Batched(make_contacts),
        ArenaObserved: Batched(observe_arenas),
        HousingSignalReported: Batched(report_signals),
        JointOperationPlanned: plan_operation,
        JointOperationCompleted: complete_operation,
        plans.OutreachPlanUpdated: record_plan,
    }
)
