"""Read use cases: scope the caller, query the live view, judge against the rules, audit
subject-level reads."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import asyncpg

from coordination.domain import access, rules
from coordination.models import (
    Alert,
    AreaCell,
    BoardItem,
    DistrictRow,
    Journey,
    JourneyStep,
    Overview,
    QueueItem,
)
from coordination.projection import STOCKHOLM
from coordination.settings import Settings
from coordination.store import audit, queries
from coordination.store.schema import live_schema
from samverkan_common.auth import Principal
from samverkan_common.db import Connection
from samverkan_common.problems import Forbidden, NotFound
from samverkan_common.scope import readable_districts
from samverkan_contracts.base import ProgrammeArea
from samverkan_contracts.organisations import OrganisationKind, load_organisations

AREAS = tuple(a.value for a in ProgrammeArea)
T = TypeVar("T")


def districts(scope: Sequence[str] | None) -> list[str]:
    """The current districts (organisations are data), narrowed to the scope."""
    codes = [
        o.code for o in load_organisations().of_kind(OrganisationKind.DISTRICT) if not o.retired_on
    ]
    return codes if scope is None else [c for c in codes if c in scope]


def deadlines(settings: Settings) -> rules.Deadlines:
    return rules.Deadlines(
        referral_ack_hours=settings.referral_ack_hours,
        referral_completion_days=settings.referral_completion_days,
        consultation_escalation_hours=settings.consultation_escalation_hours,
    )


async def schema_of(conn: Connection) -> str:
    schema = await live_schema(conn)
    if schema is None:
        raise NotFound("the view has not been built yet")
    return schema


#: Pool -> the live view's schema and until when it is taken as such without asking.
_LIVE: dict[asyncpg.Pool, tuple[str, float]] = {}
LIVE_SECONDS = 1.0
_GONE = (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError)


async def in_view(pool: asyncpg.Pool, read: Callable[[Connection, str], Awaitable[T]]) -> T:
    """``read(conn, schema)`` on the live view, its schema remembered for a second (a round
    trip less per request). A replay switches views and drops the old one in one transaction,
    so a read of a remembered schema that is gone asks for the live one and runs again."""
    async with pool.acquire() as conn:
        remembered = _LIVE.get(pool)
        if remembered is not None and time.monotonic() < remembered[1]:
            try:
                return await read(conn, remembered[0])
            except _GONE:
                del _LIVE[pool]
        schema = await schema_of(conn)
        _LIVE[pool] = (schema, time.monotonic() + LIVE_SECONDS)
        return await read(conn, schema)


def today(now: datetime) -> date:
    return now.astimezone(STOCKHOLM).date()


async def overview(
    pool: asyncpg.Pool, settings: Settings, principal: Principal, wanted: str | None
) -> Overview:
    scope = readable_districts(principal, wanted)
    now = datetime.now(UTC)
    shown = districts(scope)
    since = now - timedelta(days=settings.overview_response_days)

    async def read(conn: Connection, s: str) -> tuple[Any, ...]:
        return (
            {(r["district"], r["area"]): r for r in await queries.plans(conn, s, scope)},
            {
                (r["district"], r["area"]): r
                for r in await queries.activity(conn, s, scope, today(now))
            },
            await queries.open_referral_counts(conn, s),
            await queries.consultation_figures(conn, s, shown, since),
        )

    plans, activity, open_counts, figures = await in_view(pool, read)
    rows = []
    for district in shown:
        cells = {}
        for area in AREAS:
            plan, act = plans.get((district, area)), activity.get((district, area))
            hidden = area == ProgrammeArea.TRAFFICKING and not access.sees_trafficking(principal)
            cells[area] = AreaCell(
                plan=rules.plan_state_of(plan, today(now)),
                plan_next_review_on=plan["next_review_on"] if plan else None,
                activity_30d=None if hidden else int(act["d30"]) if act else 0,
                activity_90d=None if hidden else int(act["d90"]) if act else 0,
                activity_365d=None if hidden else int(act["d365"]) if act else 0,
            )
        incoming, outgoing = open_counts.get(district, (0, 0))
        waiting, median = consultation_summary(figures.get(district))
        rows.append(
            DistrictRow(
                district=district,
                areas=cells,
                referrals_open_in=incoming,
                referrals_open_out=outgoing,
                consultations_waiting=waiting,
                consultation_median_response_hours=median,
            )
        )
    return Overview(as_of=now, districts=rows)


def consultation_summary(figures: asyncpg.Record | None) -> tuple[int, float | None]:
    """A district's consultations waiting and median response hours, from its row of
    ``queries.consultation_figures`` (None: it has no consultation to count)."""
    if figures is None:
        return 0, None
    return figures["waiting"], rules.median_of_middles(
        figures["lower_middle"], figures["upper_middle"]
    )


def _referral(row: asyncpg.Record) -> rules.Referral:
    """The rules' referral of a row of ``queries.referrals`` (its fields, in order)."""
    return rules.Referral(str(row[0]), *row[1:])


def _consultation(row: asyncpg.Record) -> rules.Consultation:
    """The rules' consultation of a row of ``queries.consultations`` (its fields, in order)."""
    return rules.Consultation(str(row[0]), *row[1:])


def board_item(r: rules.Referral, deadlines_: rules.Deadlines, now: datetime) -> BoardItem:
    waiting = rules.referral_waiting(r, deadlines_, now)
    return BoardItem(
        referral_id=r.referral_id,
        district=r.district,
        from_org=r.from_org,
        to_org=r.to_org,
        service=r.service,
        urgency=r.urgency,
        status=r.status.value,
        closed=waiting is None,
        step=waiting.step if waiting else None,
        waiting_for=waiting.waiting_for if waiting else None,
        waiting_since=waiting.since if waiting else None,
        hours_waiting=waiting.hours_waiting if waiting else None,
        deadline=waiting.deadline if waiting else None,
        overdue=bool(waiting and waiting.overdue),
        decline_reason=r.decline_reason,
        outcome=r.outcome,
    )


async def board(  # noqa: PLR0913 - filters of the board
    pool: asyncpg.Pool,
    settings: Settings,
    principal: Principal,
    wanted: str | None,
    *,
    open_only: bool = True,
    referral_id: UUID | None = None,
) -> list[BoardItem]:
    scope = readable_districts(principal, wanted)
    now = datetime.now(UTC)
    rows = await in_view(
        pool,
        lambda conn, s: queries.referrals(
            conn, s, scope, open_only=open_only, referral_id=referral_id
        ),
    )
    rules_ = deadlines(settings)
    return [board_item(_referral(r), rules_, now) for r in rows]


def queue_item(c: rules.Consultation, deadlines_: rules.Deadlines, now: datetime) -> QueueItem:
    response = (
        round((c.answered_at - c.requested_at).total_seconds() / 3600, 1)
        if c.answered_at and c.requested_at
        else None
    )
    return QueueItem(
        consultation_id=c.consultation_id,
        district=c.district,
        requested_by=c.requested_by,
        requested_of=c.requested_of,
        question=c.question,
        requested_at=c.requested_at,
        respond_by=c.respond_by,
        answered_at=c.answered_at,
        closed_at=c.closed_at,
        waiting=c.waiting,
        overdue=c.waiting and c.respond_by is not None and now > c.respond_by,
        escalation_level=rules.escalation_level(c, deadlines_, now),
        response_hours=response,
    )


async def consultation_queue(  # noqa: PLR0913 - filters of the queue
    pool: asyncpg.Pool,
    settings: Settings,
    principal: Principal,
    wanted: str | None,
    *,
    waiting_only: bool = True,
    consultation_id: UUID | None = None,
) -> list[QueueItem]:
    scope = readable_districts(principal, wanted)
    now = datetime.now(UTC)
    rows = await in_view(
        pool,
        lambda conn, s: queries.consultations(
            conn, s, scope, waiting_only=waiting_only, consultation_id=consultation_id
        ),
    )
    rules_ = deadlines(settings)
    return [queue_item(_consultation(r), rules_, now) for r in rows]


async def journey(
    pool: asyncpg.Pool, principal: Principal, subject_ref: str, purpose: str
) -> Journey:
    """A subject's steps across all services, for specialists whose organisation is covered."""
    if not access.is_specialist(principal):
        raise Forbidden("only specialists read a subject's journey")
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        s = await schema_of(conn)
        facts = await queries.journey_facts(conn, s, subject_ref)
        covered = access.journey_covered(
            principal.organisation,
            consents=[_consent(r) for r in facts["consents"]],
            legal_basis_parties=[o for r in facts["parties"] for o in r.values() if o],
            has_trafficking_case=facts["cases"] > 0,
            trafficking_reader=access.sees_trafficking(principal),
            today=today(now),
        )
        await _audit(
            conn, principal, "journey.read" if covered else "journey.refused", subject_ref, purpose
        )
        if not covered:
            raise NotFound("no journey of this subject is visible to your organisation")
        rows = await queries.steps(conn, s, subject_ref)
    visible = [r for r in rows if access.sees_trafficking(principal) or not r["restricted"]]
    return Journey(
        subject_ref=subject_ref,
        steps=[
            JourneyStep(
                occurred_at=r["occurred_at"],
                area=r["area"],
                event=r["family"],
                district=r["district"],
                organisation=r["actororg"],
                aggregate_id=r["aggregate_id"],
                data=_json(r["data"]),
            )
            for r in visible
        ],
        hidden_restricted_steps=len(visible) < len(rows),
    )


def _json(value: Any) -> dict[str, object]:
    result: dict[str, object] = json.loads(value) if isinstance(value, str) else dict(value)
    return result


def _consent(row: asyncpg.Record) -> access.ConsentFacts:
    return access.ConsentFacts(
        granting_org=row["granting_org"],
        recipients=tuple(row["recipients"] or ()),
        given_on=row["given_on"],
        valid_until=row["valid_until"],
        revoked_on=row["revoked_on"],
    )


async def _audit(
    conn: Connection, principal: Principal, action: str, target: str, purpose: str
) -> None:
    await audit.append(
        conn,
        actor=principal.username or principal.client_id,
        organisation=principal.organisation,
        roles=principal.realm_roles,
        action=action,
        target=target,
        purpose=purpose,
    )


def alerts_audited(principal: Principal) -> bool:
    """Whether the caller's alerts name subjects, and each read of them is audited."""
    return access.is_specialist(principal)


async def alerts(
    pool: asyncpg.Pool,
    settings: Settings,
    principal: Principal,
    wanted: str | None,
    purpose: str | None,
) -> list[Alert]:
    """Every alert the caller may see; subject references only for specialists (audited)."""
    from coordination import alerting  # noqa: PLC0415 - keeps this module's imports light

    scope = readable_districts(principal, wanted)
    now = datetime.now(UTC)

    async def read(conn: Connection, s: str) -> tuple[list[Alert], bool]:
        found = await alerting.collect(conn, s, settings, scope, now)
        named = [a for a in found if a.subject_ref is not None]
        if named and alerts_audited(principal):
            targets = ",".join(sorted({a.subject_ref for a in named if a.subject_ref}))
            await _audit(conn, principal, "alerts.read", targets, purpose or "monitoring")
            return found, True
        return found, False

    found, audited = await in_view(pool, read)
    if audited:
        return found
    return [
        a.model_copy(
            update={
                "subject_ref": None,
                "links": {k: v for k, v in a.links.items() if k != "journey"},
            }
        )
        for a in found
    ]
