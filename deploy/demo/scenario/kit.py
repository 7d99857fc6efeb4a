"""What every part of the demo month is made of: who takes part, the month's clock,
deterministic ids and subject references, and the planned events in posting order.

Every id is a uuid5 of the demo epoch and a scenario key, every time is computed from the
epoch: the same epoch gives the same events, byte for byte, so posting them again is a
no-op (the services answer a known event id the same way, with no second effect).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from samverkan_common.authz import CENTRAL_UNIT, SCHOOLS
from samverkan_contracts.base import EventData, ProgrammeArea
from samverkan_contracts.envelope import CloudEvent, new_event, wire_dict
from samverkan_contracts.organisations import OrganisationKind, load_organisations
from samverkan_contracts.registry import spec_for_data
from samverkan_contracts.subjects import subject_ref_from_local_id

#: Namespace of every demo id: uuid5(NAMESPACE, "<epoch>/<scenario key>").
NAMESPACE = uuid.UUID("5af9488f-71e5-49d5-95d0-0c240643f01a")
#: DEVELOPMENT ONLY, public on purpose: the pseudonymisation key of the demo people.
DEMO_KEY = b"samverkan-demo-month-pseudonymisation-key-development-only"
#: The month is the DAYS days before the epoch: day 1 is DAYS days before it, day DAYS the eve.
DAYS = 30
STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: The named demo districts (checked against organisations.yaml by ``check_cast``).
DISTRICTS = KUNGSHOLMEN, RINKEBY, KISTA, FARSTA, SKARHOLMEN = (
    "kungsholmen",
    "rinkeby",
    "kista",
    "farsta",
    "skarholmen",
)
CENTRAL = CENTRAL_UNIT
SCHOOL = SCHOOLS
HOUSING = "familjebostader"

#: The service that takes each area's events (holistic plans go to prevention).
SERVICE_OF_AREA = {
    ProgrammeArea.HOLISTIC: "prevention",
    ProgrammeArea.PREVENTION: "prevention",
    ProgrammeArea.OUTREACH: "outreach",
    ProgrammeArea.TREATMENT: "treatment",
    ProgrammeArea.TRAFFICKING: "trafficking",
}
SERVICES = ("prevention", "outreach", "treatment", "trafficking")


def check_cast() -> None:
    """Refuse to build the month if a named organisation is missing or of the wrong kind."""
    orgs = load_organisations()
    wanted = [(d, OrganisationKind.DISTRICT) for d in DISTRICTS]
    wanted += [(CENTRAL, OrganisationKind.CENTRAL), (SCHOOL, OrganisationKind.CENTRAL)]
    wanted += [(HOUSING, OrganisationKind.COMPANY)]
    for code, kind in wanted:
        org = orgs.get(code)
        if org is None or org.kind is not kind or org.retired_on is not None:
            raise ValueError(f"the demo needs the active {kind} {code!r} in organisations.yaml")


def active_districts() -> tuple[str, ...]:
    """Every district that is not retired, in the data file's order."""
    return tuple(
        o.code
        for o in load_organisations().of_kind(OrganisationKind.DISTRICT)
        if o.retired_on is None
    )


def source_of(org: str) -> str:
    """The URI of the (imagined) system that publishes an organisation's events."""
    found = load_organisations().get(org)
    kind = found.kind if found else None
    if kind is OrganisationKind.DISTRICT:
        return f"/districts/{org}/case-system"
    if kind is OrganisationKind.COMPANY:
        return f"/companies/{org}/property-system"
    return f"/central/{org}/case-system"


@dataclass(frozen=True, slots=True)
class Planned:
    """One event to post: to which service, as which organisation, in which round.

    Rounds keep cause before effect across organisations: every event of round n is
    posted before any event of round n + 1 (a referral is sent before it is received).
    """

    service: str
    org: str
    round: int
    event: CloudEvent[EventData]

    def body(self) -> dict[str, Any]:
        """The event as a district system sends it: ``actororg`` comes from the token."""
        body = wire_dict(self.event)
        del body["actororg"]
        return body


@dataclass
class Month:
    """The demo month before ``epoch``, and the events planned in it so far."""

    epoch: date
    planned: list[Planned] = field(default_factory=list)

    def date(self, day: int) -> date:
        """Day 1..DAYS of the month; 0 and below are before it, DAYS + 1 is the epoch."""
        return self.epoch - timedelta(days=DAYS + 1 - day)

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        """A moment of a day (Stockholm time)."""
        return datetime.combine(self.date(day), time(hour, minute), STOCKHOLM)

    def workday(self, day: int) -> int:
        """The day, moved off a weekend (Saturday back, Sunday forward), within the month."""
        weekday = self.date(day).weekday()
        moved = day - 1 if weekday == 5 else day + 1 if weekday == 6 else day  # noqa: PLR2004
        return moved if 1 <= moved <= DAYS else moved + (3 if moved < 1 else -3)

    def id(self, key: str) -> uuid.UUID:
        """The id of a scenario thing (a plan, a referral, an event ...)."""
        return uuid.uuid5(NAMESPACE, f"{self.epoch.isoformat()}/{key}")

    @staticmethod
    def subject(issuer: str, alias: str) -> str:
        """The pseudonymous reference of a demo person, issued by one organisation."""
        return subject_ref_from_local_id(issuer, alias, DEMO_KEY)

    def add(  # noqa: PLR0913 - the envelope's own attributes, keyword-only
        self,
        data: EventData,
        *,
        key: str,
        by: str,
        about: str,
        when: datetime,
        round_: int = 0,
        correlation: uuid.UUID | None = None,
        causation: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Plan one event by organisation ``by`` concerning ``about``; return its id."""
        if not self.at(1, 0) <= when < self.at(DAYS + 1, 0):
            raise ValueError(f"{key} happens outside the month before {self.epoch}")
        event = new_event(
            data,
            source=source_of(by),
            district=about,
            actororg=by,
            event_id=self.id(f"event/{key}"),
            time=when,
            correlationid=correlation,
            causationid=causation,
        )
        service = SERVICE_OF_AREA[spec_for_data(data).area]
        self.planned.append(Planned(service, by, round_, event))
        return event.id

    def flow(self, key: str, first_round: int = 0) -> Flow:
        """A chain of events that follow one another (one correlation id, one round each)."""
        return Flow(self, key, first_round)

    def in_posting_order(self) -> tuple[Planned, ...]:
        """Round by round; within a round by service and organisation, then time."""
        order = {name: i for i, name in enumerate(SERVICES)}
        return tuple(
            sorted(
                self.planned,
                key=lambda p: (p.round, order[p.service], p.org, p.event.time),
            )
        )


@dataclass
class Flow:
    """Steps of one course of events: each caused by the one before, posted a round later."""

    month: Month
    key: str
    round: int
    first: uuid.UUID | None = None
    last: uuid.UUID | None = None

    def then(self, step: str, data: EventData, *, by: str, about: str, when: datetime) -> Flow:
        event_id = self.month.add(
            data,
            key=f"{self.key}/{step}",
            by=by,
            about=about,
            when=when,
            round_=self.round,
            correlation=self.first,
            causation=self.last,
        )
        self.first = self.first or event_id
        self.last = event_id
        self.round += 1
        return self


def unique(planned: Sequence[Planned]) -> None:
    """Refuse a scenario that reuses an event id."""
    ids = [p.event.id for p in planned]
    if len(ids) != len(set(ids)):
        raise ValueError("the scenario uses an event id twice")
