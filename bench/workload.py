"""The events the benchmark sends: a fixed mix of the platform's event types.

A *block* is 20 events on one day that belong together: 5 prevention activities, 6 outreach
contacts (3 with a subject, 3 anonymous), one referral from sending to completion (4
events), one consultation from request to closing (3 events), one trafficking suspicion and
its closing (2 events), in 18 districts. Every loop is closed, so a benchmark never fills
the boards, queues or alerts of a view that people read; the days lie in a year two years
back, outside the live panels, and move on by one every ``PER_DAY`` events, as a topic's
records are roughly in time order.

Building an event with the contracts' builders costs about 300 µs, too slow for a million,
so ``Templates`` builds a few hundred blocks once (``new_event`` and ``to_kafka``: exactly
what a service publishes) and makes every further block by giving a template block fresh
ids and its day: each UUID and subject reference in its records is replaced, consistently
within the block, by a new random one, and each date moved by the same number of days. The
bytes are otherwise those of the template, and each record gets a W3C ``traceparent`` of a
new trace, as the services' outbox relay gives every record it publishes, marked sampled for
the run's traced share of records.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from samverkan_contracts.base import AgeBand, EventData
from samverkan_contracts.envelope import CloudEvent, new_event, to_kafka, wire_dict
from samverkan_contracts.events import outreach as o
from samverkan_contracts.events import prevention as pv
from samverkan_contracts.events import trafficking as tr
from samverkan_contracts.events import treatment as t
from samverkan_contracts.organisations import OrganisationKind, load_organisations

CENTRAL = "socialtjanst"
SOURCE = "/bench"
BLOCK = 20
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_IDS = re.compile(
    rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|subj_[a-z2-7]{52}"
    rb"|(?<![0-9])20[0-9]{2}-[0-9]{2}-[0-9]{2}(?![0-9])"
)
#: Events the stream puts on one day before it moves to the next (time-ordered, as topics are).
PER_DAY = 2000
Event = CloudEvent[EventData]


def first_day() -> date:
    """The first day of the window the events lie in: a year, ending two years ago."""
    return datetime.now(UTC).date() - timedelta(days=2 * 365 + 364)


def districts() -> list[str]:
    return sorted(org.code for org in load_organisations().of_kind(OrganisationKind.DISTRICT))


@dataclass(frozen=True, slots=True)
class Prepared:
    """One event as a Kafka record: topic, key, value and headers, serialised up front."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def _fresh(old: bytes) -> bytes:
    if old.startswith(b"subj_"):
        return b"subj_" + base64.b32encode(os.urandom(32))[:52].lower()
    h = os.urandom(16).hex()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}".encode()


def _moved(day: bytes, by: timedelta) -> bytes:
    return (date.fromisoformat(day.decode()) + by).isoformat().encode()


def renamer() -> Callable[[bytes], bytes]:
    """Replaces every id in the bytes it is given; the same old id, the same new id."""
    mapping: dict[bytes, bytes] = {}

    def one(match: re.Match[bytes]) -> bytes:
        old = match.group()
        new = mapping.get(old)
        if new is None:
            new = mapping[old] = _ids_only(old)
        return new

    return lambda text: _IDS.sub(one, text)


def _ids_only(old: bytes) -> bytes:
    return old if old[4:5] == b"-" else _fresh(old)


def traceparent(*, sampled: bool) -> bytes:
    """A W3C trace context of a new trace, as the services' outbox relay puts on each record it
    publishes (so that the coordination service's spans join a trace, as they do)."""
    flags = b"01" if sampled else b"00"
    return b"00-%s-%s-%s" % (os.urandom(16).hex().encode(), os.urandom(8).hex().encode(), flags)


class _Pattern:
    """Bytes with ``%s`` holes where ids were, and which of the block's ids fills each hole."""

    __slots__ = ("fmt", "slots")

    def __init__(self, text: bytes, slots: dict[bytes, int]) -> None:
        self.slots = tuple(slots.setdefault(m.group(), len(slots)) for m in _IDS.finditer(text))
        self.fmt = b"%s".join(part.replace(b"%", b"%%") for part in _IDS.split(text))

    def fill(self, ids: list[bytes]) -> bytes:
        return self.fmt % tuple([ids[i] for i in self.slots])


class _Template:
    """One block of records, compiled to patterns over the block's ids and days."""

    def __init__(self, records: list[Prepared]) -> None:
        slots: dict[bytes, int] = {}
        self.records = [
            (
                r.topic,
                _Pattern(r.key, slots),
                _Pattern(r.value, slots),
                [
                    (i, name, _Pattern(v, slots))
                    for i, (name, v) in enumerate(r.headers)
                    if _IDS.search(v)
                ],
                r.headers,
            )
            for r in records
        ]
        self.kinds = sorted(slots, key=slots.__getitem__)

    def copy(self, day: date, base: date, traced: float) -> list[Prepared]:
        ids = [_fresh(old) if old[4:5] != b"-" else _moved(old, day - base) for old in self.kinds]
        out = []
        for topic, key, value, varying, headers in self.records:
            fresh = list(headers)
            for i, name, pattern in varying:
                fresh[i] = (name, pattern.fill(ids))
            sampled = random.random() < traced  # noqa: S311 - a sampling decision
            fresh.append(("traceparent", traceparent(sampled=sampled)))
            out.append(Prepared(topic, key.fill(ids), value.fill(ids), fresh))
        return out


class Blocks:
    """Builds blocks of events with the contracts' builders (slow; used for templates)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        self._districts = districts()
        #: The day every event of a block is on (the first of the window; copies move it).
        self.day = first_day()

    def _subject(self) -> str:
        return "subj_" + "".join(self._rng.choice(_B32) for _ in range(52))

    def _day(self) -> date:
        return self.day

    def _at(self, day: date, hour: int | None = None) -> datetime:
        return datetime(
            day.year, day.month, day.day, hour or self._rng.randrange(8, 17), tzinfo=UTC
        )

    def _event(
        self,
        data: EventData,
        district: str,
        day: date,
        actor: str | None = None,
        hour: int | None = None,
    ) -> Event:
        return new_event(
            data,
            source=SOURCE,
            district=district,
            actororg=actor or district,
            time=self._at(day, hour),
        )

    def activity(self, district: str) -> Event:
        rng, day = self._rng, self._day()
        data = pv.ActivityHeld(
            activity_id=uuid.uuid4(),
            held_on=day,
            setting=rng.choice(list(pv.ActivitySetting)),
            topic=rng.choice(list(pv.PreventionTopic)),
            participants=rng.randrange(5, 60),
            age_band=rng.choice([AgeBand.AGE_13_15, AgeBand.AGE_16_17, AgeBand.MIXED]),
            description="Lesson on online grooming for year 8",
        )
        return self._event(data, district, day)

    def contact(self, district: str, who: str | None) -> Event:
        rng, day = self._rng, self._day()
        data = o.ContactMade(
            contact_id=uuid.uuid4(),
            contacted_at=self._at(day),
            arena=rng.choice(list(o.Arena)),
            subject_ref=who,
            anonymous_count=None if who else rng.randrange(1, 4),
            age_band=rng.choice([AgeBand.AGE_18_24, AgeBand.AGE_25_34]),
        )
        return self._event(data, district, day)

    def referral(self, district: str, who: str) -> list[Event]:
        rng, day, rid = self._rng, self._day(), uuid.uuid4()
        sent = t.ReferralSent(
            referral_id=rid,
            subject_ref=who,
            from_organisation=district,
            to_organisation=CENTRAL,
            service=rng.choice(list(t.ReferralService)),
            urgency=rng.choice(list(t.Urgency)),
            respond_by=self._at(day + timedelta(days=3)),
            legal_basis=t.LegalBasis.SOL_CHILD_CONCERN,
        )
        steps: list[tuple[EventData, str]] = [
            (sent, district),
            (t.ReferralReceived(referral_id=rid, received_by=CENTRAL), CENTRAL),
            (t.ReferralAccepted(referral_id=rid, accepted_by=CENTRAL), CENTRAL),
            (
                t.ReferralCompleted(
                    referral_id=rid, completed_by=CENTRAL, outcome=t.ReferralOutcome.GOALS_MET
                ),
                CENTRAL,
            ),
        ]
        return [self._event(d, district, day, actor, 8 + i) for i, (d, actor) in enumerate(steps)]

    def consultation(self, district: str) -> list[Event]:
        rng, day, cid = self._rng, self._day(), uuid.uuid4()
        steps: list[tuple[EventData, str]] = [
            (
                t.ConsultationRequested(
                    consultation_id=cid,
                    requested_by=district,
                    requested_of=CENTRAL,
                    question=rng.choice(list(t.ConsultationQuestion)),
                    respond_by=self._at(day + timedelta(days=2)),
                    age_band=AgeBand.AGE_16_17,
                    case_summary="Worried school, gifts and nights away",
                ),
                district,
            ),
            (
                t.ConsultationAnswered(
                    consultation_id=cid,
                    answered_by=CENTRAL,
                    advice="Talk with the pupil together with the school nurse",
                    follow_up_needed=False,
                ),
                CENTRAL,
            ),
            (
                t.ConsultationClosed(
                    consultation_id=cid,
                    closed_by=district,
                    resolution=rng.choice(list(t.ConsultationResolution)),
                ),
                district,
            ),
        ]
        return [self._event(d, district, day, actor, 8 + i) for i, (d, actor) in enumerate(steps)]

    def suspicion(self, district: str, who: str) -> list[Event]:
        rng, day, cid = self._rng, self._day(), uuid.uuid4()
        opened = tr.SuspicionRegistered(
            case_id=cid,
            subject_ref=who,
            indicators=(rng.choice(list(tr.TraffickingIndicator)),),
            origin=rng.choice(list(tr.CoarseOrigin)),
            age_band=AgeBand.AGE_18_24,
        )
        closed = tr.TraffickingCaseClosed(
            case_id=cid, closed_on=day, outcome=rng.choice(list(tr.CaseOutcome))
        )
        return [
            self._event(opened, district, day, CENTRAL, 8),
            self._event(closed, district, day, CENTRAL, 9),
        ]

    def block(self) -> list[Event]:
        """20 events; each subject appears in one block only (no repeated-contact alerts)."""
        pick = self._rng.choice
        who = [self._subject() for _ in range(3)]
        return [
            *(self.activity(pick(self._districts)) for _ in range(5)),
            *(self.contact(pick(self._districts), w) for w in (*who, None, None, None)),
            *self.referral(pick(self._districts), who[0]),
            *self.consultation(pick(self._districts)),
            *self.suspicion(pick(self._districts), who[1]),
        ]

    def activities(self, district: str, n: int) -> list[Event]:
        return [self.activity(district) for _ in range(n)]


def prepared(event: Event) -> Prepared:
    record = to_kafka(event)
    return Prepared(event.spec.topic.name, record.key, record.value, record.headers)


class Templates:
    """Template blocks, copied with fresh ids: an endless stream of distinct, valid events."""

    def __init__(self, blocks: int = 200, seed: int = 8, traced: float = 1.0) -> None:
        #: Share of records whose trace context is marked sampled.
        self.traced = traced
        maker = Blocks(seed)
        self._base = maker.day
        self._blocks = [_Template([prepared(e) for e in maker.block()]) for _ in range(blocks)]
        self._next = 0
        self._made = 0

    def block(self, traced: float | None = None) -> list[Prepared]:
        """The next block, on the stream's current day (``PER_DAY`` events a day, a year
        round); ``traced``: the share marked sampled, if not ``self.traced``."""
        template = self._blocks[self._next % len(self._blocks)]
        self._next += 1
        day = self._base + timedelta(days=(self._made // PER_DAY) % 365)
        share = self.traced if traced is None else traced
        records = template.copy(day, self._base, share)
        self._made += len(records)
        return records

    def records(self, n: int, traced: float | None = None) -> list[Prepared]:
        """``n`` records: whole blocks, the last one cut short."""
        out: list[Prepared] = []
        while len(out) < n:
            out.extend(self.block(traced))
        return out[:n]

    def stream(self) -> Iterator[Prepared]:
        while True:
            yield from self.block()


class HttpBatches:
    """Batches of one district's prevention activities for the ingestion API (no actororg)."""

    def __init__(self, district: str, size: int, seed: int = 9) -> None:
        events = Blocks(seed).activities(district, size)
        bodies = [wire_dict(e) for e in events]
        for body in bodies:
            body.pop("actororg")
        self._template = json.dumps(bodies).encode()

    def batch(self) -> bytes:
        return renamer()(self._template)


def event_count(body: bytes) -> int:
    parsed: list[Any] = json.loads(body)
    return len(parsed)
