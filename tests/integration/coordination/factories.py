"""Random events for the coordination tests: random ids, so runs never collide."""

from __future__ import annotations

import random
import secrets
import string
import uuid
from datetime import UTC, date, datetime, timedelta

from samverkan_contracts.base import AgeBand, EventData
from samverkan_contracts.envelope import CloudEvent, KafkaRecord, new_event, to_kafka
from samverkan_contracts.events import outreach as o
from samverkan_contracts.events import plans
from samverkan_contracts.events import prevention as pv
from samverkan_contracts.events import trafficking as tr
from samverkan_contracts.events import treatment as t
from samverkan_contracts.events.privacy import ErasureReason, SubjectErasureRequested

CENTRAL = "socialtjanst"
_B32 = string.ascii_lowercase + "234567"


def subject() -> str:
    return "subj_" + "".join(secrets.choice(_B32) for _ in range(52))


def random_day() -> date:
    """A day far in the past that no other test uses: counts on it are this test's alone."""
    return date(1990, 1, 1) + timedelta(days=random.randrange(365 * 20))  # noqa: S311 - test data


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def event(
    data: EventData,
    district: str,
    *,
    actororg: str | None = None,
    time: datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> CloudEvent[EventData]:
    return new_event(
        data,
        source="/tests/coordination",
        district=district,
        actororg=actororg or district,
        time=time,
        event_id=event_id,
    )


def record(e: CloudEvent[EventData]) -> tuple[str, KafkaRecord]:
    return e.spec.topic.name, to_kafka(e)


def referral_sent(  # noqa: PLR0913 - every field a test may fix
    district: str, who: str, *, to: str = CENTRAL, respond_by: datetime | None = None,
    consent_id: uuid.UUID | None = None, referral_id: uuid.UUID | None = None,
) -> t.ReferralSent:  # fmt: skip
    return t.ReferralSent(
        referral_id=referral_id or uuid.uuid4(),
        subject_ref=who,
        from_organisation=district,
        to_organisation=to,
        service=t.ReferralService.EXIT_SUPPORT,
        urgency=t.Urgency.ROUTINE,
        respond_by=respond_by or datetime.now(UTC) + timedelta(days=7),
        consent_id=consent_id,
        legal_basis=None if consent_id else t.LegalBasis.SOL_CHILD_CONCERN,
    )


def activity(day: date) -> pv.ActivityHeld:
    return pv.ActivityHeld(
        activity_id=uuid.uuid4(),
        held_on=day,
        setting=pv.ActivitySetting.SCHOOL,
        topic=pv.PreventionTopic.GROOMING,
        participants=20,
        age_band=AgeBand.AGE_13_15,
    )


def contact(who: str | None, when: datetime) -> o.ContactMade:
    return o.ContactMade(
        contact_id=uuid.uuid4(),
        contacted_at=when,
        arena=o.Arena.STREET,
        subject_ref=who,
        anonymous_count=None if who else 2,
        age_band=AgeBand.AGE_18_24,
    )


def consultation(district: str, respond_by: datetime) -> t.ConsultationRequested:
    return t.ConsultationRequested(
        consultation_id=uuid.uuid4(),
        requested_by=district,
        requested_of=CENTRAL,
        question=t.ConsultationQuestion.ASSESSMENT,
        respond_by=respond_by,
        age_band=AgeBand.AGE_16_17,
        case_summary="Worried school, gifts and nights away",
    )


def suspicion(who: str | None) -> tr.SuspicionRegistered:
    return tr.SuspicionRegistered(
        case_id=uuid.uuid4(),
        subject_ref=who,
        indicators=(tr.TraffickingIndicator.DEBT_BONDAGE,),
        origin=tr.CoarseOrigin.EU_EEA,
        age_band=AgeBand.AGE_18_24,
    )


def consent(who: str, granting: str, recipients: tuple[str, ...]) -> t.ConsentRecorded:
    return t.ConsentRecorded(
        consent_id=uuid.uuid4(),
        subject_ref=who,
        granting_organisation=granting,
        recipients=recipients,
        purpose=t.ConsentPurpose.COORDINATED_CARE_PLANNING,
        given_on=date.today() - timedelta(days=1),  # noqa: DTZ011 - a calendar day
        valid_until=date.today() + timedelta(days=180),  # noqa: DTZ011
    )


def plan(model: type[plans.PlanUpdated], status: plans.PlanStatus, review: date, revision: int = 1,
         plan_id: uuid.UUID | None = None) -> plans.PlanUpdated:  # fmt: skip
    return model(
        plan_id=plan_id or uuid.uuid4(),
        revision=revision,
        title="Action plan",
        status=status,
        adopted_on=None if status is plans.PlanStatus.DRAFT else review - timedelta(days=300),
        next_review_on=review,
    )


def erasure(who: str) -> SubjectErasureRequested:
    return SubjectErasureRequested(
        subject_ref=who, reason=ErasureReason.SUBJECT_REQUEST, requested_by=CENTRAL
    )
