"""Posting planned events through the real ingestion API, and what came of it.

Events go out round by round, grouped by (service, organisation), in batches
(``application/cloudevents-batch+json``; a batch of one as ``application/cloudevents+json``),
each with a bearer token of the organisation. A refused batch is all or nothing, so its
events are sent again one by one to name exactly the refused ones and their problems.

The API answers an event it already has exactly like a new one (202, same id). Whether an
accepted event was already there therefore comes from the loader's own ledger: the ids the
platform acknowledged in earlier runs (``var/state/demo/accepted``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from deploy.demo.scenario.kit import SERVICES, Planned
from samverkan_contracts.envelope import (
    BATCH_CONTENT_TYPE,
    MAX_BATCH_EVENTS,
    STRUCTURED_CONTENT_TYPE,
)

#: An organisation's bearer token, fresh enough to use.
TokenSource = Callable[[str], Awaitable[str]]
#: Answers that may concern single events of a batch: resend them one by one.
_PER_EVENT = frozenset({400, 403, 409, 422})


@dataclass
class Ledger:
    """The event ids the platform has acknowledged, kept in a file (one id a line)."""

    path: Path | None = None
    known: set[UUID] = field(default_factory=set)

    @classmethod
    def open(cls, path: Path | None) -> Ledger:
        known: set[UUID] = set()
        if path is not None and path.exists():
            known = {UUID(line) for line in path.read_text("utf-8").split()}
        return cls(path, known)

    def remember(self, ids: Iterable[UUID]) -> None:
        new = [i for i in ids if i not in self.known]
        self.known.update(new)
        if self.path is not None and new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.writelines(f"{i}\n" for i in new)


@dataclass(frozen=True)
class Refusal:
    """An event the platform refused, with its answer."""

    planned: Planned
    status: int
    problem: Mapping[str, Any]

    def describe(self) -> str:
        event = self.planned.event
        lines = [
            f"  REFUSED {event.type} by {self.planned.org} about {event.district}",
            f"          id {event.id}, subject {event.subject}",
            (
                f"          {self.status} {self.problem.get('title', '')}: "
                f"{self.problem.get('detail', '')}"
            ),
        ]
        for name, value in self.problem.items():
            if name not in {"type", "title", "status", "detail"} and value is not None:
                lines.append(f"          {name}: {json.dumps(value, ensure_ascii=False)}")
        return "\n".join(lines)


@dataclass
class Tally:
    sent: int = 0
    accepted: int = 0
    already: int = 0
    refused: int = 0

    def add(self, other: Tally) -> None:
        self.sent += other.sent
        self.accepted += other.accepted
        self.already += other.already
        self.refused += other.refused


@dataclass
class Report:
    """What the platform answered, per service, and every refusal."""

    by_service: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in SERVICES})
    refusals: list[Refusal] = field(default_factory=list)
    acknowledged: list[UUID] = field(default_factory=list)

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.by_service.values():
            total.add(tally)
        return total

    def table(self) -> str:
        rows = [f"{'service':<12} {'sent':>6} {'accepted':>9} {'already there':>14} {'refused':>8}"]
        for name, t in [*self.by_service.items(), ("total", self.total)]:
            rows.append(f"{name:<12} {t.sent:>6} {t.accepted:>9} {t.already:>14} {t.refused:>8}")
        return "\n".join(rows)


@dataclass
class Poster:
    """Posts planned events to the services' clients with the organisations' tokens."""

    clients: Mapping[str, httpx.AsyncClient]
    tokens: TokenSource
    ledger: Ledger
    batch_size: int = 100
    say: Callable[[str], None] = print
    report: Report = field(default_factory=Report)

    async def post_all(self, planned: Sequence[Planned]) -> Report:
        """Post every event in the given order, one progress line per group."""
        if not 1 <= self.batch_size <= MAX_BATCH_EVENTS:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH_EVENTS} events")
        groups = itertools.groupby(planned, key=lambda p: (p.round, p.service, p.org))
        for (round_, service, org), members in groups:
            events = list(members)
            tally = Tally()
            for start in range(0, len(events), self.batch_size):
                await self._post(events[start : start + self.batch_size], tally)
            self.report.by_service[service].add(tally)
            self.say(
                f"round {round_}  {service:<12} {org:<18} {tally.sent:>4} sent "
                f"{tally.accepted:>4} accepted {tally.already:>4} already there "
                f"{tally.refused:>3} refused"
            )
        return self.report

    async def _post(self, batch: list[Planned], tally: Tally) -> None:
        first = batch[0]
        response = await self._send(first.service, first.org, batch)
        if response.status_code == httpx.codes.ACCEPTED:
            self._acknowledged(batch, response, tally)
        elif len(batch) > 1 and response.status_code in _PER_EVENT:
            for single in batch:
                await self._post([single], tally)
        else:
            problem = _problem(response)
            for planned in batch:
                refusal = Refusal(planned, response.status_code, problem)
                self.report.refusals.append(refusal)
                self.say(refusal.describe())
            tally.sent += len(batch)
            tally.refused += len(batch)

    async def _send(self, service: str, org: str, batch: list[Planned]) -> httpx.Response:
        if len(batch) == 1:
            body, media = json.dumps(batch[0].body()), STRUCTURED_CONTENT_TYPE
        else:
            body, media = json.dumps([p.body() for p in batch]), BATCH_CONTENT_TYPE
        headers = {"Authorization": f"Bearer {await self.tokens(org)}", "Content-Type": media}
        return await self.clients[service].post("/events", content=body, headers=headers)

    def _acknowledged(self, batch: list[Planned], response: httpx.Response, tally: Tally) -> None:
        ids = [p.event.id for p in batch]
        answered = [UUID(i) for i in response.json()["accepted"]]
        if answered != ids:
            raise RuntimeError(f"{batch[0].service} acknowledged other ids than were sent")
        tally.sent += len(ids)
        tally.already += sum(1 for i in ids if i in self.ledger.known)
        tally.accepted += sum(1 for i in ids if i not in self.ledger.known)
        self.ledger.remember(ids)
        self.report.acknowledged.extend(ids)


def _problem(response: httpx.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"detail": response.text[:500]}
    return body if isinstance(body, dict) else {"detail": body}
