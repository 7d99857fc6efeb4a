"""Use cases of the prevention service, one per event type; each runs in the ingestion
transaction (see samverkan_common.ingest). Each takes a run of consecutive events of its type
at once: activities depend on nothing but their own ids; trainings are read (locked) once for
the run and stepped in order in memory, so the same training twice in a run is refused as it
would be in two requests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from prevention.domain.trainings import TrainingStateError, after_delivery, after_request
from prevention.store import repository as repo
from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.ingest import Batched, Located, UseCase, by_type, first_unclaimed, located
from samverkan_common.plans import record_plan
from samverkan_common.problems import StateConflict
from samverkan_contracts.events import plans
from samverkan_contracts.events.prevention import ActivityHeld, TrainingDelivered, TrainingRequested


async def hold_activities(conn: Connection, events: Sequence[Located], _: Principal) -> None:
    held = [(e.event.district, e.event.actororg, e.event.data_as(ActivityHeld)) for e in events]
    added = await repo.add_activities(conn, held)
    taken = first_unclaimed([a.activity_id for _, _, a in held], added)
    if taken is not None:
        with located(events[taken].root):
            activity_id = held[taken][2].activity_id
            raise StateConflict(f"activity {activity_id} is already recorded", "recorded")


async def request_trainings(conn: Connection, events: Sequence[Located], _: Principal) -> None:
    requests = [e.event.data_as(TrainingRequested) for e in events]
    status = await repo.training_statuses(conn, (r.request_id for r in requests))
    for item, request in zip(events, requests, strict=True):  # in order: the same one twice
        with located(item.root), _conflicts():
            status[request.request_id] = after_request(status.get(request.request_id))
    await repo.add_requests(
        conn, [(e.event.district, r) for e, r in zip(events, requests, strict=True)]
    )


async def deliver_trainings(conn: Connection, events: Sequence[Located], _: Principal) -> None:
    deliveries = [e.event.data_as(TrainingDelivered) for e in events]
    keys = [d.request_id or d.training_id for d in deliveries]
    status = await repo.training_statuses(conn, keys)
    for item, delivery, key in zip(events, deliveries, keys, strict=True):
        with located(item.root), _conflicts():
            requested = delivery.request_id is not None
            status[key] = after_delivery(status.get(key), requested=requested)
    await repo.save_deliveries(
        conn, [(k, e.event.district, d) for e, d, k in zip(events, deliveries, keys, strict=True)]
    )


@contextmanager
def _conflicts() -> Iterator[None]:
    try:
        yield
    except TrainingStateError as error:
        raise StateConflict(str(error), current_state=error.current) from None


USE_CASES: Mapping[str, UseCase] = by_type(
    {
        ActivityHeld: Batched(hold_activities),
        TrainingRequested: Batched(request_trainings),
        TrainingDelivered: Batched(deliver_trainings),
        plans.HolisticPlanUpdated: record_plan,
        plans.PreventionPlanUpdated: record_plan,
    }
)
