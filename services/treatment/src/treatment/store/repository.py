"""SQL of the treatment service's use cases: load with a row lock, then change.

Every ``add_*`` inserts with ``ON CONFLICT DO NOTHING`` and says whether it inserted, so
two different events racing to create the same aggregate end in a conflict, not an error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from samverkan_common.db import Connection
from samverkan_contracts.events.treatment import (
    ConsentPurpose,
    ConsentRecorded,
    ConsultationRequested,
    ConsultationResolution,
    DeclineReason,
    HousingOffered,
    ReferralOutcome,
    ReferralSent,
    TreatmentEnded,
    TreatmentStarted,
)
from treatment.domain.consent import Consent, ConsentStatus
from treatment.domain.consultations import Consultation, ConsultationStatus
from treatment.domain.episodes import Episode, EpisodeStatus
from treatment.domain.referrals import Referral, ReferralStatus


async def _inserted(conn: Connection, insert: str, *args: Any) -> bool:
    return bool(await conn.fetchval(f"{insert} ON CONFLICT DO NOTHING RETURNING true", *args))


# consents

_CONSENT = {
    False: "SELECT * FROM consents WHERE consent_id = $1 FOR SHARE",
    True: "SELECT * FROM consents WHERE consent_id = $1 FOR UPDATE",
}


async def consent(
    conn: Connection, consent_id: UUID, *, for_update: bool = False
) -> Consent | None:
    """The consent, locked: shared while a referral relies on it, exclusive to change it."""
    row = await conn.fetchrow(_CONSENT[for_update], consent_id)
    if row is None:
        return None
    return Consent(
        district=row["district"],
        subject_ref=row["subject_ref"],
        granting_organisation=row["granting_organisation"],
        recipients=frozenset(row["recipients"]),
        purpose=ConsentPurpose(row["purpose"]),
        given_on=row["given_on"],
        valid_until=row["valid_until"],
        status=ConsentStatus(row["status"]),
    )


async def add_consent(conn: Connection, district: str, c: ConsentRecorded) -> bool:
    return await _inserted(
        conn,
        "INSERT INTO consents (consent_id, district, subject_ref, granting_organisation, "
        "recipients, purpose, given_on, valid_until, status) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        c.consent_id,
        district,
        c.subject_ref,
        c.granting_organisation,
        list(c.recipients),
        c.purpose.value,
        c.given_on,
        c.valid_until,
        ConsentStatus.RECORDED.value,
    )


async def revoke_consent(conn: Connection, consent_id: UUID, revoked_on: date) -> None:
    await conn.execute(
        "UPDATE consents SET status = $2, revoked_on = $3 WHERE consent_id = $1",
        consent_id,
        ConsentStatus.REVOKED.value,
        revoked_on,
    )


# referrals


async def referral(conn: Connection, referral_id: UUID) -> Referral | None:
    row = await conn.fetchrow(
        "SELECT district, subject_ref, from_organisation, to_organisation, status "
        "FROM referrals WHERE referral_id = $1 FOR UPDATE",
        referral_id,
    )
    if row is None:
        return None
    return Referral(
        district=row["district"],
        subject_ref=row["subject_ref"],
        sender=row["from_organisation"],
        receiver=row["to_organisation"],
        status=ReferralStatus(row["status"]),
    )


async def add_referral(conn: Connection, district: str, r: ReferralSent, at: datetime) -> bool:
    return await _inserted(
        conn,
        "INSERT INTO referrals (referral_id, district, subject_ref, from_organisation, "
        "to_organisation, service, urgency, respond_by, consent_id, legal_basis, status, "
        "sent_at, steps) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "jsonb_build_object($11::text, $12::timestamptz))",
        r.referral_id,
        district,
        r.subject_ref,
        r.from_organisation,
        r.to_organisation,
        r.service.value,
        r.urgency.value,
        r.respond_by,
        r.consent_id,
        r.legal_basis.value if r.legal_basis else None,
        ReferralStatus.SENT.value,
        at,
    )


async def record_referral_step(  # noqa: PLR0913 - each detail belongs to one step
    conn: Connection,
    referral_id: UUID,
    step: ReferralStatus,
    at: datetime,
    *,
    planned_start: date | None = None,
    decline_reason: DeclineReason | None = None,
    outcome: ReferralOutcome | None = None,
) -> None:
    await conn.execute(
        "UPDATE referrals SET status = $2, steps = steps || jsonb_build_object($2::text, "
        "$3::timestamptz), planned_start = coalesce($4, planned_start), "
        "decline_reason = coalesce($5, decline_reason), outcome = coalesce($6, outcome) "
        "WHERE referral_id = $1",
        referral_id,
        step.value,
        at,
        planned_start,
        decline_reason.value if decline_reason else None,
        outcome.value if outcome else None,
    )


# consultations


async def consultation(conn: Connection, consultation_id: UUID) -> Consultation | None:
    row = await conn.fetchrow(
        "SELECT district, requested_by, requested_of, status FROM consultations "
        "WHERE consultation_id = $1 FOR UPDATE",
        consultation_id,
    )
    if row is None:
        return None
    return Consultation(
        district=row["district"],
        requested_by=row["requested_by"],
        requested_of=row["requested_of"],
        status=ConsultationStatus(row["status"]),
    )


async def add_consultation(
    conn: Connection, district: str, c: ConsultationRequested, at: datetime
) -> bool:
    return await _inserted(
        conn,
        "INSERT INTO consultations (consultation_id, district, requested_by, requested_of, "
        "question, age_band, respond_by, status, requested_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        c.consultation_id,
        district,
        c.requested_by,
        c.requested_of,
        c.question.value,
        c.age_band.value,
        c.respond_by,
        ConsultationStatus.REQUESTED.value,
        at,
    )


async def record_answer(
    conn: Connection, consultation_id: UUID, at: datetime, *, follow_up_needed: bool
) -> None:
    await conn.execute(
        "UPDATE consultations SET status = $2, answered_at = $3, follow_up_needed = $4 "
        "WHERE consultation_id = $1",
        consultation_id,
        ConsultationStatus.ANSWERED.value,
        at,
        follow_up_needed,
    )


async def record_close(
    conn: Connection, consultation_id: UUID, at: datetime, resolution: ConsultationResolution
) -> None:
    await conn.execute(
        "UPDATE consultations SET status = $2, closed_at = $3, resolution = $4 "
        "WHERE consultation_id = $1",
        consultation_id,
        ConsultationStatus.CLOSED.value,
        at,
        resolution.value,
    )


# treatment episodes and housing


async def episode(conn: Connection, episode_id: UUID) -> Episode | None:
    row = await conn.fetchrow(
        "SELECT district, provided_by, started_on, status FROM episodes "
        "WHERE episode_id = $1 FOR UPDATE",
        episode_id,
    )
    if row is None:
        return None
    return Episode(
        district=row["district"],
        provided_by=row["provided_by"],
        started_on=row["started_on"],
        status=EpisodeStatus(row["status"]),
    )


async def add_episode(conn: Connection, district: str, e: TreatmentStarted) -> bool:
    return await _inserted(
        conn,
        "INSERT INTO episodes (episode_id, district, subject_ref, provided_by, kind, "
        "referral_id, started_on, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        e.episode_id,
        district,
        e.subject_ref,
        e.provided_by,
        e.kind.value,
        e.referral_id,
        e.started_on,
        EpisodeStatus.STARTED.value,
    )


async def end_episode(conn: Connection, e: TreatmentEnded) -> None:
    await conn.execute(
        "UPDATE episodes SET status = $2, ended_on = $3, end_reason = $4 WHERE episode_id = $1",
        e.episode_id,
        EpisodeStatus.ENDED.value,
        e.ended_on,
        e.reason.value,
    )


async def add_housing_offer(
    conn: Connection, district: str, h: HousingOffered, at: datetime
) -> bool:
    return await _inserted(
        conn,
        "INSERT INTO housing_offers VALUES ($1, $2, $3, $4, $5, $6, $7)",
        h.offer_id,
        district,
        h.subject_ref,
        h.offered_by,
        h.kind.value,
        h.available_from,
        at,
    )
