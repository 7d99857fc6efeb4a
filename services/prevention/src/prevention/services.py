"""Use cases of the prevention service, one per event type; each runs in the ingestion
transaction (see samverkan_common.ingest). Activities, which depend on nothing but their own
id, are recorded a run at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from prevention.domain.trainings import TrainingStateError, after_delivery, after_request
from prevention.store import repository as repo
from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.ingest import Batched, Located, UseCase, by_type, first_unclaimed, located
from samverkan_common.plans import record_plan
from samverkan_common.problems import StateConflict
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
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


async def request_training(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    request = event.data_as(TrainingRequested)
    try:
        after_request(await repo.training_status(conn, request.request_id))
    except TrainingStateError as error:
        raise StateConflict(str(error), current_state=error.current) from None
    await repo.add_request(conn, event.district, request)


async def deliver_training(conn: Connection, event: CloudEvent[EventData], _: Principal) -> None:
    delivery = event.data_as(TrainingDelivered)
    key = delivery.request_id or delivery.training_id
    try:
        after_delivery(
            await repo.training_status(conn, key), requested=delivery.request_id is not None
        )
    except TrainingStateError as error:
        raise StateConflict(str(error), current_state=error.current) from None
    await repo.save_delivery(conn, key, event.district, delivery)


USE_CASES: Mapping[str, UseCase] = by_type(
    {
        ActivityHeld: Batched(hold_activities),
        TrainingRequested: request_training,
        TrainingDelivered: deliver_training,
        plans.HolisticPlanUpdated: record_plan,
        plans.PreventionPlanUpdated: record_plan,
    }
)
