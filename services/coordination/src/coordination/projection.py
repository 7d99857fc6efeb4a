"""The projections: one table from event data model to the rows it writes, and the use case
that applies one batch of records in one transaction.

A batch: lock the positions of its partitions, drop records below them (offsets rewound),
parse the rest (an unparseable record is a dead letter), drop event ids already applied (the
same event sent twice), apply erasures, honour the deny-list, write every row with one
statement per table, then move the positions on. The caller commits the transaction, and
only then the Kafka offsets.

Round trips to PostgreSQL are the largest cost of a small batch, so the batch is written
without a savepoint: should a valid event still fail to project (a poison the parser let
through), the whole transaction is rolled back and :func:`in_transaction` applies the batch
again, carefully, one event per savepoint, the failing one going to the dead letters.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from coordination.domain.deadletters import DeadLetter
from coordination.domain.erasure import aggregate_digest, subject_digest
from coordination.domain.records import Record
from coordination.store import view
from samverkan_common.db import Connection
from samverkan_contracts.base import EventData, Sensitivity
from samverkan_contracts.envelope import CloudEvent, from_kafka
from samverkan_contracts.events import outreach as o
from samverkan_contracts.events import plans
from samverkan_contracts.events import prevention as pv
from samverkan_contracts.events import trafficking as tr
from samverkan_contracts.events import treatment as t
from samverkan_contracts.events.privacy import SubjectErasureRequested
from samverkan_contracts.registry import TYPE_PREFIX

log = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
Row = tuple[Any, ...]
Writes = list[tuple[str, Row]]
Ev = CloudEvent[EventData]


class WrongTopicError(Exception):
    """The event's type belongs on another topic."""


class PoisonInBatchError(Exception):
    """A valid event of the batch failed to project; its transaction is spoilt."""


def family(event: Ev) -> str:
    """``treatment.referral.sent`` for ``se.stockholm.samverkan.treatment.referral.sent.v1``."""
    return event.type.removeprefix(TYPE_PREFIX).rpartition(".")[0]


def day_of(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


# --- one function per event type: the rows it writes -------------------------------------


def _referral_sent(e: Ev) -> Writes:
    d = e.data_as(t.ReferralSent)
    row = (
        d.referral_id,
        e.district,
        d.subject_ref,
        d.from_organisation,
        d.to_organisation,
        d.service.value,
        d.urgency.value,
        d.respond_by,
        d.consent_id,
        d.legal_basis.value if d.legal_basis else None,
        e.time,
    )
    return [("referral.sent", row), ("subject_link", (e.subject, d.subject_ref))]


def _referral_step(name: str, *extra: Callable[[Any], Any]) -> Callable[[Ev], Writes]:
    def project(e: Ev) -> Writes:
        data: Any = e.data
        return [(name, (data.referral_id, e.time, *(f(data) for f in extra)))]

    return project


def _consultation_requested(e: Ev) -> Writes:
    d = e.data_as(t.ConsultationRequested)
    row = (
        d.consultation_id,
        e.district,
        d.requested_by,
        d.requested_of,
        d.question.value,
        d.age_band.value,
        d.respond_by,
        e.time,
    )
    return [("consultation.requested", row)]


def _consultation_answered(e: Ev) -> Writes:
    return [("consultation.answered", (e.data_as(t.ConsultationAnswered).consultation_id, e.time))]


def _consultation_closed(e: Ev) -> Writes:
    d = e.data_as(t.ConsultationClosed)
    return [("consultation.closed", (d.consultation_id, e.time, d.resolution.value))]


def _contact(e: Ev) -> Writes:
    d = e.data_as(o.ContactMade)
    if d.subject_ref is None:
        return []
    return [("contact", (d.contact_id, d.subject_ref, e.district, d.arena.value, d.contacted_at))]


def _housing_signal(e: Ev) -> Writes:
    d = e.data_as(o.HousingSignalReported)
    return [("housing_signal", (d.signal_id, e.district, d.reported_by, d.observed_on))]


def _plan(e: Ev) -> Writes:
    d = e.data_as(plans.PlanUpdated)
    row = (
        d.plan_id,
        e.district,
        e.programmearea.value,
        d.revision,
        d.status.value,
        d.adopted_on,
        d.next_review_on,
        e.time,
    )
    return [("plan", row)]


def _case_opened(e: Ev) -> Writes:
    d = e.data_as(tr.SuspicionRegistered)
    row = (
        d.case_id,
        e.district,
        d.subject_ref,
        e.time,
        d.age_band.value,
        d.origin.value,
        sorted(i.value for i in d.indicators),
    )
    links = [("subject_link", (e.subject, d.subject_ref))] if d.subject_ref else []
    return [("case.opened", row), *links]


def _case_police(e: Ev) -> Writes:
    d = e.data_as(tr.PoliceReportFiled)
    return [("case.police_report", (d.case_id, d.filed_on))]


def _case_protection(e: Ev) -> Writes:
    d = e.data_as(tr.ProtectionArranged)
    return [("case.protection", (d.case_id, [d.kind.value]))]


def _case_reflection(e: Ev) -> Writes:
    d = e.data_as(tr.ReflectionPeriodGranted)
    return [("case.reflection", (d.case_id, d.valid_until))]


def _case_closed(e: Ev) -> Writes:
    d = e.data_as(tr.TraffickingCaseClosed)
    return [("case.closed", (d.case_id, d.closed_on, d.outcome.value))]


def _episode_started(e: Ev) -> Writes:
    d = e.data_as(t.TreatmentStarted)
    row = (d.episode_id, e.district, d.subject_ref, d.provided_by, d.kind.value, d.started_on)
    return [("episode.started", row), ("subject_link", (e.subject, d.subject_ref))]


def _episode_ended(e: Ev) -> Writes:
    d = e.data_as(t.TreatmentEnded)
    return [("episode.ended", (d.episode_id, d.ended_on, d.reason.value))]


def _consent_recorded(e: Ev) -> Writes:
    d = e.data_as(t.ConsentRecorded)
    row = (
        d.consent_id,
        d.subject_ref,
        d.granting_organisation,
        sorted(d.recipients),
        d.purpose.value,
        d.given_on,
        d.valid_until,
    )
    return [("consent.recorded", row)]


def _consent_revoked(e: Ev) -> Writes:
    d = e.data_as(t.ConsentRevoked)
    return [("consent.revoked", (d.consent_id, d.subject_ref, d.revoked_on))]


def _counted_only(_: Ev) -> Writes:
    return []


#: Every data model the view takes, and what it writes besides its count and journey step
#: (erasure requests are applied before the rest of their batch; see ``_project``).
PROJECTIONS: Mapping[type[EventData], Callable[[Ev], Writes]] = {
    t.ReferralSent: _referral_sent,
    t.ReferralReceived: _referral_step("referral.received"),
    t.ReferralAccepted: _referral_step("referral.accepted"),
    t.ReferralDeclined: _referral_step("referral.declined", lambda d: d.reason.value),
    t.ReferralCompleted: _referral_step("referral.completed", lambda d: d.outcome.value),
    t.ReferralWithdrawn: _referral_step("referral.withdrawn"),
    t.ConsultationRequested: _consultation_requested,
    t.ConsultationAnswered: _consultation_answered,
    t.ConsultationClosed: _consultation_closed,
    t.TreatmentStarted: _episode_started,
    t.TreatmentEnded: _episode_ended,
    t.HousingOffered: _counted_only,
    t.ConsentRecorded: _consent_recorded,
    t.ConsentRevoked: _consent_revoked,
    pv.ActivityHeld: _counted_only,
    pv.TrainingRequested: _counted_only,
    pv.TrainingDelivered: _counted_only,
    o.ContactMade: _contact,
    o.ArenaObserved: _counted_only,
    o.JointOperationPlanned: _counted_only,
    o.JointOperationCompleted: _counted_only,
    o.HousingSignalReported: _housing_signal,
    tr.SuspicionRegistered: _case_opened,
    tr.PoliceReportFiled: _case_police,
    tr.ProtectionArranged: _case_protection,
    tr.ReflectionPeriodGranted: _case_reflection,
    tr.TraffickingCaseClosed: _case_closed,
    **dict.fromkeys(plans.PlanUpdated.__subclasses__(), _plan),
}

#: Event families that are steps of a subject's journey.
JOURNEY_PREFIXES = (
    "treatment.referral.",
    "treatment.episode.",
    "treatment.housing.",
    "treatment.consent.",
    "outreach.contact.",
    "trafficking.",
)


def subject_of(event: Ev) -> str | None:
    """The subject reference the event's data names, if any."""
    data = event.data
    if "subject_ref" not in type(data).model_fields:
        return None  # rather than getattr's AttributeError, slow on a pydantic model
    ref = data.subject_ref  # type: ignore[attr-defined]  # checked on the line above
    return ref if isinstance(ref, str) else None


def is_step(event: Ev) -> bool:
    fam = family(event)
    if fam == "outreach.contact.made":
        return subject_of(event) is not None
    return fam.startswith(JOURNEY_PREFIXES) and not fam.endswith(".plan.updated")


def step_row(event: Ev) -> Row:
    return (
        event.id,
        subject_of(event),
        event.subject,
        event.time,
        event.programmearea.value,
        family(event),
        event.district,
        event.actororg,
        event.sensitivity is Sensitivity.RESTRICTED,
        event.data.model_dump_json(),  # stored as jsonb: the same value as json.dumps gives
    )


# --- the batch ------------------------------------------------------------------------


class DeadLetterSink(Protocol):
    """Where records the projections give up on go, inside the batch's transaction."""

    async def send(self, conn: Connection, letters: Sequence[DeadLetter]) -> None: ...


@dataclass
class Outcome:
    """What one batch did."""

    applied: int = 0
    duplicates: int = 0
    rewound: int = 0
    dead: int = 0
    districts: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    nexts: dict[tuple[str, int], int] = field(default_factory=dict)


def parse(record: Record) -> Ev:
    """The record's event; InvalidEventError or WrongTopicError for a poison record."""
    event = from_kafka(record.key, record.value, record.headers)
    if event.spec.topic.name != record.topic:
        raise WrongTopicError(f"{family(event)} travels on {event.spec.topic.name}")
    return event


_TRANSIENT = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.QueryCanceledError,
)


async def apply_batch(  # noqa: PLR0913 - the batch, where it goes and how
    conn: Connection,
    schema: str,
    records: Sequence[Record],
    sink: DeadLetterSink,
    *,
    careful: bool = False,
    channel: str | None = None,
) -> Outcome:
    """Apply records to the view in ``schema``; run inside the caller's transaction.

    Raises PoisonInBatchError when an event fails to project unless ``careful`` (then each
    event is applied on its own and the failing ones are dead letters); :func:`in_transaction`
    does both in turn. With a ``channel``, an applying batch announces its districts and areas
    there (NOTIFY, delivered on commit).
    """
    outcome = Outcome()
    if not records:
        return outcome
    stored = await view.lock_positions(conn, schema, {(r.topic, r.partition) for r in records})
    letters: list[DeadLetter] = []
    origins: dict[UUID, Record] = {}
    events = _read(records, stored, outcome, letters, origins)
    fresh = await view.first_seen(conn, schema, list(events)) if events else set()
    outcome.duplicates += len(events) - len(fresh)
    batch = [e for i, e in events.items() if i in fresh]
    if careful:
        batch = await _project_one_by_one(conn, schema, batch, origins, letters)
    else:
        try:
            await _project(conn, schema, batch)
        except _TRANSIENT:
            raise
        except Exception as error:
            raise PoisonInBatchError(f"{len(batch)} events") from error
    outcome.applied = len(batch)
    outcome.dead = len(letters)
    outcome.districts = {e.district for e in batch}
    outcome.areas = {e.programmearea.value for e in batch}
    if letters:
        await sink.send(conn, letters)
    notice = None
    if channel and outcome.applied:
        changed = {"districts": sorted(outcome.districts), "areas": sorted(outcome.areas)}
        notice = (channel, json.dumps(changed))
    await view.save_positions(conn, schema, outcome.nexts, notice)
    return outcome


def _read(
    records: Sequence[Record],
    stored: Mapping[tuple[str, int], int],
    outcome: Outcome,
    letters: list[DeadLetter],
    origins: dict[UUID, Record],
) -> dict[UUID, Ev]:
    """The batch's events by id, each once: records below the stored positions are counted
    as rewound, unreadable ones become dead letters, a repeated id counts as a duplicate."""
    events: dict[UUID, Ev] = {}
    for record in records:
        tp = (record.topic, record.partition)
        outcome.nexts[tp] = max(outcome.nexts.get(tp, 0), record.offset + 1)
        if record.offset < stored[tp]:
            outcome.rewound += 1
            continue
        try:
            event = parse(record)
        except Exception as error:  # noqa: BLE001 - any failure to read a record makes it poison
            letters.append(DeadLetter.of(record, error))
            continue
        if event.id in events:
            outcome.duplicates += 1
        else:
            events[event.id] = event
            origins[event.id] = record
    return events


T_co = TypeVar("T_co", covariant=True)


class BatchWork(Protocol[T_co]):
    """Applies a batch (with :func:`apply_batch`), the quick way or the careful one."""

    def __call__(self, *, careful: bool) -> Awaitable[T_co]: ...


T = TypeVar("T")


async def in_transaction(conn: Connection, work: BatchWork[T]) -> T:
    """``work`` in a transaction; if its batch held a poison event, ``work(careful=True)`` in a
    fresh transaction instead."""
    try:
        async with conn.transaction():
            return await work(careful=False)
    except PoisonInBatchError as error:
        log.warning("a batch of %s failed to project; applying one event at a time", error)
    async with conn.transaction():
        return await work(careful=True)


async def _project_one_by_one(
    conn: Connection,
    schema: str,
    batch: Sequence[Ev],
    origins: Mapping[UUID, Record],
    letters: list[DeadLetter],
) -> list[Ev]:
    applied = []
    for event in batch:
        try:
            async with conn.transaction():
                await _project(conn, schema, [event])
            applied.append(event)
        except _TRANSIENT:
            raise
        except Exception as error:  # noqa: BLE001 - this event is the poison
            letters.append(DeadLetter.of(origins[event.id], error))
    return applied


async def _project(conn: Connection, schema: str, batch: Sequence[Ev]) -> None:
    erasures = [e for e in batch if isinstance(e.data, SubjectErasureRequested)]
    for e in erasures:
        d = e.data_as(SubjectErasureRequested)
        await view.erase_subject(
            conn,
            schema,
            d.subject_ref,
            reason=d.reason.value,
            requested_by=d.requested_by,
            requested_at=e.time,
            event_id=e.id,
        )
    others = [e for e in batch if not isinstance(e.data, SubjectErasureRequested)]
    writes: defaultdict[str, list[Row]] = defaultdict(list)
    counts: defaultdict[tuple[str, str, str, date], int] = defaultdict(int)
    for e in others:
        counts[e.district, e.programmearea.value, family(e), day_of(e.time)] += 1
    writes["count"] = [(*key, n) for key, n in sorted(counts.items())]
    steps = writes["step"]
    for e in await _not_erased(conn, schema, others):
        for name, row in PROJECTIONS[type(e.data)](e):
            writes[name].append(row)
        if is_step(e):
            steps.append(step_row(e))
    await view.write(conn, schema, writes)


async def _not_erased(conn: Connection, schema: str, events: Sequence[Ev]) -> list[Ev]:
    """The events whose subject and aggregate are not on the deny-list.

    An event naming an erased subject puts its aggregate on the list too (and removes what
    other events of that aggregate wrote), so a later ``accepted`` of an erased subject's
    referral, which names no subject, stays out as well.
    """
    subjects = {e.subject: ref for e in events if (ref := subject_of(e))}
    of_subject = {ref: subject_digest(ref) for ref in subjects.values()}
    of_aggregate = {e.subject: aggregate_digest(e.subject) for e in events}
    denied = await view.denied(conn, schema, {*of_subject.values(), *of_aggregate.values()})
    if not denied:
        return list(events)
    newly = sorted(a for a, ref in subjects.items() if of_subject[ref] in denied)
    if newly:
        await view.erase_aggregates(conn, schema, newly)
        denied |= {of_aggregate[a] for a in newly}
    return [e for e in events if of_aggregate[e.subject] not in denied]
