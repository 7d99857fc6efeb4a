"""Use cases of the treatment service, one per event type; each runs in the ingestion
transaction (see samverkan_common.ingest), after the static who-may-write table.

On top of that table the use cases check what needs state: the organisation an event names
as acting (``*_by``, ``from_organisation``, ``provided_by`` ...) must be the caller's own
(403); only the party whose turn it is takes a step (403); a step the current state does
not allow is a conflict naming that state (409); a referral under a consent needs that
consent to cover it (409, naming the consent's state).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from samverkan_common.auth import Principal
from samverkan_common.authz import CENTRAL_UNIT
from samverkan_common.db import Connection
from samverkan_common.ingest import UseCase, by_type
from samverkan_common.plans import record_plan
from samverkan_common.problems import Forbidden, InvalidRequest, StateConflict
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from samverkan_contracts.errors import ErrorDetail
from samverkan_contracts.events import plans
from samverkan_contracts.events import treatment as t
from treatment.domain import consent as consents
from treatment.domain import consultations, episodes
from treatment.domain import referrals as refs
from treatment.domain.consultations import ConsultationStatus
from treatment.domain.referrals import ReferralStatus
from treatment.domain.steps import ImpossibleStepError, district_fits
from treatment.store import repository as repo

Event = CloudEvent[EventData]


@contextlib.contextmanager
def _conflicts() -> Iterator[None]:
    """Answer an impossible step with 409 naming the current state."""
    try:
        yield
    except ImpossibleStepError as error:
        raise StateConflict(str(error), current_state=error.current) from None


def _own(named: str, field: str, event: Event) -> None:
    """The organisation the data names as acting must be the caller's own."""
    if named != event.actororg:
        raise Forbidden(f"{field} must be your own organisation ({event.actororg})")


def _fits(case_district: str, event: Event) -> None:
    if not district_fits(case_district, event.district, event.actororg):
        detail = ErrorDetail(
            path="$.district",
            type="district_mismatch",
            message=f"name the case's district ({case_district}) or your own organisation",
        )
        raise InvalidRequest("the event names another district than its case", [detail])


def _created(inserted: bool, noun: str, key: UUID) -> None:  # noqa: FBT001 - a query's answer
    if not inserted:
        raise StateConflict(f"{noun} {key} was created by another event at the same time")


# referrals


async def send_referral(conn: Connection, event: Event, _: Principal) -> None:
    sent = event.data_as(t.ReferralSent)
    _own(sent.from_organisation, "from_organisation", event)
    existing = await repo.referral(conn, sent.referral_id)
    with _conflicts():
        refs.advance(existing.status if existing else None, ReferralStatus.SENT)
    if sent.consent_id is not None:
        await _check_consent(conn, sent, sent.consent_id, event.time.date())
    _created(
        await repo.add_referral(conn, event.district, sent, event.time),
        "referral",
        sent.referral_id,
    )


async def _check_consent(conn: Connection, sent: t.ReferralSent, key: UUID, day: date) -> None:
    consent = await repo.consent(conn, key)
    try:
        consents.check_covers(
            consent,
            subject_ref=sent.subject_ref,
            sender=sent.from_organisation,
            receiver=sent.to_organisation,
            day=day,
        )
    except consents.ConsentRefusedError as refusal:
        raise StateConflict(
            f"consent {key} does not cover this referral: {refusal}",
            current_state=f"consent {refusal.state}",
        ) from None


async def _take_step(
    conn: Connection,
    event: Event,
    referral_id: UUID,
    step: ReferralStatus,
    by: tuple[str, str],
    **details: Any,
) -> None:
    """Check and record a step after ``sent``; ``by`` is (organisation named, its field)."""
    _own(*by, event)
    referral = await repo.referral(conn, referral_id)
    if referral is not None:
        if not referral.may_take(step, event.actororg):
            raise Forbidden(f"only the referral's {refs.TAKEN_BY[step]} may mark it {step}")
        _fits(referral.district, event)
    with _conflicts():
        refs.advance(referral.status if referral else None, step)
    await repo.record_referral_step(conn, referral_id, step, event.time, **details)


async def receive_referral(conn: Connection, event: Event, _: Principal) -> None:
    r = event.data_as(t.ReferralReceived)
    await _take_step(
        conn, event, r.referral_id, ReferralStatus.RECEIVED, (r.received_by, "received_by")
    )


async def accept_referral(conn: Connection, event: Event, _: Principal) -> None:
    a = event.data_as(t.ReferralAccepted)
    await _take_step(
        conn,
        event,
        a.referral_id,
        ReferralStatus.ACCEPTED,
        (a.accepted_by, "accepted_by"),
        planned_start=a.planned_start,
    )


async def decline_referral(conn: Connection, event: Event, _: Principal) -> None:
    d = event.data_as(t.ReferralDeclined)
    await _take_step(
        conn,
        event,
        d.referral_id,
        ReferralStatus.DECLINED,
        (d.declined_by, "declined_by"),
        decline_reason=d.reason,
    )


async def complete_referral(conn: Connection, event: Event, _: Principal) -> None:
    c = event.data_as(t.ReferralCompleted)
    await _take_step(
        conn,
        event,
        c.referral_id,
        ReferralStatus.COMPLETED,
        (c.completed_by, "completed_by"),
        outcome=c.outcome,
    )


async def withdraw_referral(conn: Connection, event: Event, _: Principal) -> None:
    w = event.data_as(t.ReferralWithdrawn)
    await _take_step(
        conn, event, w.referral_id, ReferralStatus.WITHDRAWN, (w.withdrawn_by, "withdrawn_by")
    )


# consultations


async def request_consultation(conn: Connection, event: Event, _: Principal) -> None:
    c = event.data_as(t.ConsultationRequested)
    _own(c.requested_by, "requested_by", event)
    if c.requested_of != CENTRAL_UNIT:
        detail = ErrorDetail(
            path="$.data.requested_of",
            type="not_specialists",
            message=f"consultations are asked of the central specialists ({CENTRAL_UNIT})",
        )
        raise InvalidRequest("nobody could answer this consultation", [detail])
    existing = await repo.consultation(conn, c.consultation_id)
    with _conflicts():
        consultations.advance(existing.status if existing else None, ConsultationStatus.REQUESTED)
    _created(
        await repo.add_consultation(conn, event.district, c, event.time),
        "consultation",
        c.consultation_id,
    )


async def answer_consultation(conn: Connection, event: Event, _: Principal) -> None:
    a = event.data_as(t.ConsultationAnswered)
    _own(a.answered_by, "answered_by", event)
    existing = await repo.consultation(conn, a.consultation_id)
    if existing is not None:
        if event.actororg != existing.requested_of:
            raise Forbidden("only the specialists asked answer a consultation")
        _fits(existing.district, event)
    with _conflicts():
        consultations.advance(existing.status if existing else None, ConsultationStatus.ANSWERED)
    await repo.record_answer(
        conn, a.consultation_id, event.time, follow_up_needed=a.follow_up_needed
    )


async def close_consultation(conn: Connection, event: Event, _: Principal) -> None:
    c = event.data_as(t.ConsultationClosed)
    _own(c.closed_by, "closed_by", event)
    existing = await repo.consultation(conn, c.consultation_id)
    if existing is not None:
        if event.actororg != existing.requested_by:
            raise Forbidden("only the district that asked closes a consultation")
        _fits(existing.district, event)
    with _conflicts():
        consultations.advance(
            existing.status if existing else None, ConsultationStatus.CLOSED, c.resolution
        )
    await repo.record_close(conn, c.consultation_id, event.time, c.resolution)


# treatment episodes and housing


async def start_episode(conn: Connection, event: Event, _: Principal) -> None:
    s = event.data_as(t.TreatmentStarted)
    _own(s.provided_by, "provided_by", event)
    existing = await repo.episode(conn, s.episode_id)
    with _conflicts():
        episodes.after_start(existing.status if existing else None)
        if s.referral_id is not None:
            episodes.check_referral(
                await repo.referral(conn, s.referral_id),
                subject_ref=s.subject_ref,
                provider=s.provided_by,
            )
    _created(await repo.add_episode(conn, event.district, s), "episode", s.episode_id)


async def end_episode(conn: Connection, event: Event, _: Principal) -> None:
    e = event.data_as(t.TreatmentEnded)
    existing = await repo.episode(conn, e.episode_id)
    if existing is not None:
        if event.actororg != existing.provided_by:
            raise Forbidden("only the organisation giving the treatment ends it")
        _fits(existing.district, event)
    with _conflicts():
        episodes.after_end(existing, e.ended_on)
    await repo.end_episode(conn, e)


async def offer_housing(conn: Connection, event: Event, _: Principal) -> None:
    h = event.data_as(t.HousingOffered)
    _own(h.offered_by, "offered_by", event)
    if not await repo.add_housing_offer(conn, event.district, h, event.time):
        raise StateConflict(f"housing offer {h.offer_id} was already recorded", "offered")


# consent


async def record_consent(conn: Connection, event: Event, _: Principal) -> None:
    c = event.data_as(t.ConsentRecorded)
    _own(c.granting_organisation, "granting_organisation", event)
    existing = await repo.consent(conn, c.consent_id, for_update=True)
    with _conflicts():
        consents.after_record(existing.status if existing else None)
    _created(await repo.add_consent(conn, event.district, c), "consent", c.consent_id)


async def revoke_consent(conn: Connection, event: Event, _: Principal) -> None:
    r = event.data_as(t.ConsentRevoked)
    _own(r.recorded_by, "recorded_by", event)
    existing = await repo.consent(conn, r.consent_id, for_update=True)
    if existing is not None:
        if event.actororg != existing.granting_organisation:
            raise Forbidden("only the organisation that recorded a consent revokes it")
        _fits(existing.district, event)
    with _conflicts():
        consents.after_revoke(existing, subject_ref=r.subject_ref)
    await repo.revoke_consent(conn, r.consent_id, r.revoked_on)


USE_CASES: Mapping[str, UseCase] = by_type(
    {
        t.ReferralSent: send_referral,
        t.ReferralReceived: receive_referral,
        t.ReferralAccepted: accept_referral,
        t.ReferralDeclined: decline_referral,
        t.ReferralCompleted: complete_referral,
        t.ReferralWithdrawn: withdraw_referral,
        t.ConsultationRequested: request_consultation,
        t.ConsultationAnswered: answer_consultation,
        t.ConsultationClosed: close_consultation,
        t.TreatmentStarted: start_episode,
        t.TreatmentEnded: end_episode,
        t.HousingOffered: offer_housing,
        t.ConsentRecorded: record_consent,
        t.ConsentRevoked: revoke_consent,
        plans.TreatmentPlanUpdated: record_plan,
    }
)
