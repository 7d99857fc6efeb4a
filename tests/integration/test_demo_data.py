"""The demo month of deploy/demo: what it holds, and loading it through the real ingestion API.

The loading test runs every domain service in this process with its lifespan, each in a
fresh schema of its own database (dropped afterwards) and with its outbox relay off, so the
demo events never reach the shared topics; the tokens are the real Keycloak's. The first
run must be accepted in full; the second must get the same answer and change nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from outreach.app import create_app as outreach_app
from outreach.settings import Settings as OutreachSettings
from prevention.app import create_app as prevention_app
from prevention.settings import Settings as PreventionSettings
from trafficking.app import create_app as trafficking_app
from trafficking.settings import Settings as TraffickingSettings
from treatment.app import create_app as treatment_app
from treatment.settings import Settings as TreatmentSettings

from deploy.demo.cli import stored_epoch
from deploy.demo.keycloak import MachineTokens
from deploy.demo.post import Ledger, Poster, Report
from deploy.demo.scenario import month
from deploy.demo.scenario.kit import (
    CENTRAL,
    DAYS,
    HOUSING,
    SCHOOL,
    SERVICES,
    STOCKHOLM,
    Planned,
)
from samverkan_contracts.base import EventData
from samverkan_contracts.events import outreach as o
from samverkan_contracts.events import plans as p
from samverkan_contracts.events import prevention as pv
from samverkan_contracts.events import trafficking as tr
from samverkan_contracts.events import treatment as t
from samverkan_contracts.organisations import OrganisationKind, load_organisations
from tests.stack import STACK
from tests.support.apps import running, stack_settings
from tests.support.db import connect, drop_schema

EPOCH = date(2026, 3, 2)
REFERRAL_STEPS: Mapping[type[EventData], str] = {
    t.ReferralSent: "sent",
    t.ReferralReceived: "received",
    t.ReferralAccepted: "accepted",
    t.ReferralDeclined: "declined",
    t.ReferralCompleted: "completed",
    t.ReferralWithdrawn: "withdrawn",
}

APPS: Mapping[str, Callable[[dict[str, object]], FastAPI]] = {
    "prevention": lambda s: prevention_app(PreventionSettings.model_validate(s)),
    "outreach": lambda s: outreach_app(OutreachSettings.model_validate(s)),
    "treatment": lambda s: treatment_app(TreatmentSettings.model_validate(s)),
    "trafficking": lambda s: trafficking_app(TraffickingSettings.model_validate(s)),
}


def _data(planned: Sequence[Planned], model: type[EventData]) -> list[Any]:
    return [x.event.data for x in planned if isinstance(x.event.data, model)]


def _type_counts(planned: Sequence[Planned]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {s: Counter() for s in SERVICES}
    for x in planned:
        counts[x.service][x.event.type] += 1
    return counts


# What the month holds (no servers needed)


def test_the_same_epoch_gives_the_same_events_and_another_epoch_new_ids() -> None:
    first, again, other = month(EPOCH), month(EPOCH), month(EPOCH + timedelta(days=1))
    assert [x.body() for x in first] == [x.body() for x in again]
    assert not {x.event.id for x in first} & {x.event.id for x in other}
    assert len({x.event.id for x in first}) == len(first)


def test_every_event_happens_in_the_days_before_the_epoch() -> None:
    planned = month(EPOCH)
    days = {x.event.time.date() for x in planned}
    assert min(days) >= EPOCH - timedelta(days=DAYS)
    assert max(days) < EPOCH
    assert all("actororg" not in x.body() for x in planned)


def test_the_cast_is_several_districts_the_central_unit_a_school_and_a_housing_company() -> None:
    planned = month(EPOCH)
    orgs = load_organisations()
    actors = {x.org for x in planned}
    districts = {
        a for a in actors if (org := orgs.get(a)) and org.kind is OrganisationKind.DISTRICT
    }
    assert len(districts) >= 5
    assert {CENTRAL, SCHOOL, HOUSING} <= actors
    assert {x.service for x in planned} == set(SERVICES)


def test_plans_are_adopted_drafted_overdue_and_missing() -> None:
    planned = month(EPOCH)
    latest: dict[uuid.UUID, tuple[str, p.PlanUpdated]] = {}
    for x in planned:
        plan = x.event.data
        if isinstance(plan, p.PlanUpdated):
            seen = latest.get(plan.plan_id)
            if seen is None or seen[1].revision < plan.revision:
                latest[plan.plan_id] = (x.event.district, plan)
    statuses = Counter(plan.status for _, plan in latest.values())
    assert statuses[p.PlanStatus.ADOPTED] >= 5
    assert statuses[p.PlanStatus.DRAFT] == 1
    overdue = [
        pl
        for _, pl in latest.values()
        if pl.status is p.PlanStatus.ADOPTED and pl.next_review_on < EPOCH
    ]
    assert len(overdue) == 1
    assert any(plan.revision > 1 for _, plan in latest.values())
    covered = {(d, type(pl)) for d, pl in latest.values()}
    districts = {d for d, _ in covered}
    assert len(covered) < len(districts) * 5  # some districts have no plan in some area


def test_prevention_and_outreach_fill_the_month() -> None:
    planned = month(EPOCH)
    assert len(_data(planned, pv.ActivityHeld)) >= 24
    assert len(_data(planned, o.ContactMade)) >= 24
    requested = {r.request_id for r in _data(planned, pv.TrainingRequested)}
    assert any(d.request_id in requested for d in _data(planned, pv.TrainingDelivered))
    assert _data(planned, o.ArenaObserved)
    planned_ops = {op.operation_id for op in _data(planned, o.JointOperationPlanned)}
    assert any(c.operation_id in planned_ops for c in _data(planned, o.JointOperationCompleted))
    signals = Counter(
        x.event.district for x in planned if isinstance(x.event.data, o.HousingSignalReported)
    )
    assert max(signals.values()) >= 3
    assert _data(planned, t.HousingOffered)


def test_a_person_met_four_times_has_no_referral() -> None:
    planned = month(EPOCH)
    contacts = Counter(c.subject_ref for c in _data(planned, o.ContactMade) if c.subject_ref)
    referred = {r.subject_ref for r in _data(planned, t.ReferralSent)}
    assert any(n >= 4 and subject not in referred for subject, n in contacts.items())


def test_referrals_end_the_month_in_every_state_of_the_loop() -> None:
    planned = month(EPOCH)
    state: dict[str, str] = {}  # the subject of a referral's events is its id
    for x in planned:
        step = REFERRAL_STEPS.get(type(x.event.data))
        if step is not None:
            state[x.event.subject] = step
    sent = {str(r.referral_id): r for r in _data(planned, t.ReferralSent)}
    ends = Counter(state.values())
    assert set(ends) == {"sent", "received", "accepted", "declined", "completed", "withdrawn"}
    assert ends["completed"] >= 2
    waiting_late = [
        r
        for r, s in state.items()
        if s in {"sent", "received"} and sent[r].respond_by.date() < EPOCH
    ]
    assert len(waiting_late) >= 2
    assert all(d.reason for d in _data(planned, t.ReferralDeclined))
    consents = {c.consent_id for c in _data(planned, t.ConsentRecorded)}
    assert all(r.consent_id in consents for r in sent.values() if r.consent_id)
    assert {r.consent_id for r in _data(planned, t.ConsentRevoked)} <= consents
    assert _data(planned, t.ConsentRevoked)


def test_consultations_are_answered_waiting_and_overdue_and_care_is_given() -> None:
    planned = month(EPOCH)
    answered = {a.consultation_id for a in _data(planned, t.ConsultationAnswered)}
    closed = {c.consultation_id for c in _data(planned, t.ConsultationClosed)}
    open_ = [
        q
        for q in _data(planned, t.ConsultationRequested)
        if q.consultation_id not in answered | closed
    ]
    assert answered
    assert any(q.respond_by.date() < EPOCH for q in open_)  # overdue
    assert any(q.respond_by.date() >= EPOCH for q in open_)  # waiting
    assert _data(planned, t.TreatmentStarted)
    assert _data(planned, t.TreatmentEnded)


def test_two_trafficking_cases_take_steps() -> None:
    planned = month(EPOCH)
    cases = {str(s.case_id) for s in _data(planned, tr.SuspicionRegistered)}
    steps = Counter(x.event.subject for x in planned if x.event.subject in cases)
    assert len(cases) == 2
    assert all(n >= 3 for n in steps.values())


def test_the_epoch_is_chosen_on_the_first_run_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "epoch"
    first = stored_epoch(path)
    path.write_text("2026-01-15\n", "utf-8")
    assert first == datetime.now(STOCKHOLM).date()
    assert stored_epoch(path) == date(2026, 1, 15)


# Loading it through the real ingestion API


@contextlib.asynccontextmanager
async def _services(schema: str) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    settings = {**stack_settings(), "database_schema": schema, "relay_enabled": False}
    async with contextlib.AsyncExitStack() as stack:
        yield {
            name: await stack.enter_async_context(running(factory(settings)))
            for name, factory in APPS.items()
        }


async def _stored(schema: str) -> tuple[dict[str, Counter[str]], dict[str, int]]:
    """Per service: the event types in its inbox, and the number of rows in its outbox."""
    inbox: dict[str, Counter[str]] = {}
    outbox: dict[str, int] = {}
    for service in SERVICES:
        conn = await connect(service)
        try:
            await conn.execute("SELECT set_config('search_path', $1, false)", schema)
            rows = await conn.fetch("SELECT type, count(*) AS n FROM inbox GROUP BY type")
            inbox[service] = Counter({r["type"]: r["n"] for r in rows})
            outbox[service] = await conn.fetchval("SELECT count(*) FROM outbox")
        finally:
            await conn.close()
    return inbox, outbox


async def _load(
    clients: dict[str, httpx.AsyncClient], tokens: MachineTokens, ledger: Path
) -> tuple[Report, list[str]]:
    lines: list[str] = []
    poster = Poster(clients, tokens, Ledger.open(ledger), say=lines.append)
    return await poster.post_all(month(EPOCH)), lines


async def test_the_month_loads_once_and_loading_it_again_changes_nothing(tmp_path: Path) -> None:
    planned = month(EPOCH)
    schema = f"demo_{uuid.uuid4().hex[:12]}"
    ledger = tmp_path / "accepted"
    try:
        async with _services(schema) as clients, httpx.AsyncClient(timeout=30) as http:
            tokens = MachineTokens(http, STACK.token_url)
            first, lines = await _load(clients, tokens, ledger)
            assert [r.describe() for r in first.refusals] == []
            stored_first = await _stored(schema)
            second, _ = await _load(clients, tokens, ledger)
            stored_second = await _stored(schema)
    finally:
        for service in SERVICES:
            await drop_schema(service, schema)

    groups = Counter((x.round, x.service, x.org) for x in planned)
    assert len(lines) == len(groups)
    total = len(planned)
    assert (first.total.sent, first.total.accepted, first.total.already) == (total, total, 0)
    assert (second.total.sent, second.total.accepted, second.total.already) == (total, 0, total)
    assert second.refusals == []
    assert first.acknowledged == second.acknowledged == [x.event.id for x in planned]
    expected = _type_counts(planned)
    assert stored_first[0] == expected
    assert stored_first[1] == {s: sum(expected[s].values()) for s in SERVICES}
    assert stored_second == stored_first
    assert "total" in first.table()
