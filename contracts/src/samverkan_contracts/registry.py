"""The event catalogue: one table from event type to data model, topic, key, area, sensitivity.

Type names are reverse-DNS, past tense and versioned:
``se.stockholm.samverkan.<domain>.<aggregate>.<past-tense verb>.v<N>``. A breaking
change to a data model is a new type with the next version, registered beside
the old one, never an edit of the old one.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from samverkan_contracts.base import EventData, ProgrammeArea, Sensitivity
from samverkan_contracts.events import outreach as o
from samverkan_contracts.events import plans as p
from samverkan_contracts.events import prevention as pv
from samverkan_contracts.events import privacy
from samverkan_contracts.events import trafficking as tr
from samverkan_contracts.events import treatment as t
from samverkan_contracts.topics import AREA_TOPICS, ERASURES, Topic

TYPE_PREFIX = "se.stockholm.samverkan."
D = TypeVar("D", bound=EventData)
TYPE_PATTERN = re.compile(r"^se\.stockholm\.samverkan\.[a-z_]+\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*$")


@dataclass(frozen=True, slots=True)
class EventSpec(Generic[D]):
    """Everything the platform knows about one event type and version."""

    type: str
    model: builtins.type[D]
    area: ProgrammeArea
    topic: Topic
    sensitivity: Sensitivity
    key: Callable[[D], str]
    key_description: str

    @property
    def name(self) -> str:
        """The type without its version, e.g. ``se.stockholm.samverkan.treatment.referral.sent``."""
        return self.type.rpartition(".")[0]

    @property
    def version(self) -> int:
        """The version number of the type."""
        return int(self.type.rpartition(".v")[2])

    def key_of(self, data: EventData) -> str:
        """The Kafka key (and CloudEvents subject) for this event's data."""
        if not isinstance(data, self.model):
            raise TypeError(f"{type(data).__name__} is not the data of {self.type}")
        return self.key(data)


def _spec(  # noqa: PLR0913 - one argument per registry column
    suffix: str,
    model: type[D],
    area: ProgrammeArea,
    key: Callable[[D], str],
    key_description: str,
    *,
    topic: Topic | None = None,
    sensitivity: Sensitivity = Sensitivity.NORMAL,
) -> EventSpec[D]:
    return EventSpec(
        type=TYPE_PREFIX + suffix,
        model=model,
        area=area,
        topic=topic or AREA_TOPICS[area],
        sensitivity=sensitivity,
        key=key,
        key_description=key_description,
    )


_A = ProgrammeArea
_RESTRICTED = Sensitivity.RESTRICTED


def _referral(verb: str, model: type[Any]) -> EventSpec[Any]:
    return _spec(f"treatment.referral.{verb}.v1", model, _A.TREATMENT, _referral_key, "referral_id")


def _referral_key(d: Any) -> str:
    return str(d.referral_id)


def _case(suffix: str, model: type[Any]) -> EventSpec[Any]:
    return _spec(f"trafficking.{suffix}.v1", model, _A.TRAFFICKING, _case_key, "case_id",
                 sensitivity=_RESTRICTED)  # fmt: skip


def _case_key(d: Any) -> str:
    return str(d.case_id)


def _plan(area: ProgrammeArea, model: type[p.PlanUpdated]) -> EventSpec[Any]:
    return _spec(f"{area}.plan.updated.v1", model, area, lambda d: str(d.plan_id), "plan_id")


_SPECS: tuple[EventSpec[Any], ...] = (
    # prevention
    _spec("prevention.activity.held.v1", pv.ActivityHeld, _A.PREVENTION,
          lambda d: str(d.activity_id), "activity_id"),
    _spec("prevention.training.requested.v1", pv.TrainingRequested, _A.PREVENTION,
          lambda d: str(d.request_id), "request_id"),
    _spec("prevention.training.delivered.v1", pv.TrainingDelivered, _A.PREVENTION,
          lambda d: str(d.request_id or d.training_id), "request_id, else training_id"),
    # outreach
    _spec("outreach.contact.made.v1", o.ContactMade, _A.OUTREACH,
          lambda d: d.subject_ref or str(d.contact_id), "subject_ref, else contact_id"),
    _spec("outreach.arena.observed.v1", o.ArenaObserved, _A.OUTREACH,
          lambda d: str(d.observation_id), "observation_id"),
    _spec("outreach.joint_operation.planned.v1", o.JointOperationPlanned, _A.OUTREACH,
          lambda d: str(d.operation_id), "operation_id"),
    _spec("outreach.joint_operation.completed.v1", o.JointOperationCompleted, _A.OUTREACH,
          lambda d: str(d.operation_id), "operation_id"),
    _spec("outreach.housing_signal.reported.v1", o.HousingSignalReported, _A.OUTREACH,
          lambda d: str(d.signal_id), "signal_id"),
    # treatment: the closed-loop referral
    _referral("sent", t.ReferralSent),
    _referral("received", t.ReferralReceived),
    _referral("accepted", t.ReferralAccepted),
    _referral("declined", t.ReferralDeclined),
    _referral("completed", t.ReferralCompleted),
    _referral("withdrawn", t.ReferralWithdrawn),
    # treatment: consultations, care, consent
    _spec("treatment.consultation.requested.v1", t.ConsultationRequested, _A.TREATMENT,
          lambda d: str(d.consultation_id), "consultation_id"),
    _spec("treatment.consultation.answered.v1", t.ConsultationAnswered, _A.TREATMENT,
          lambda d: str(d.consultation_id), "consultation_id"),
    _spec("treatment.consultation.closed.v1", t.ConsultationClosed, _A.TREATMENT,
          lambda d: str(d.consultation_id), "consultation_id"),
    _spec("treatment.episode.started.v1", t.TreatmentStarted, _A.TREATMENT,
          lambda d: str(d.episode_id), "episode_id"),
    _spec("treatment.episode.ended.v1", t.TreatmentEnded, _A.TREATMENT,
          lambda d: str(d.episode_id), "episode_id"),
    _spec("treatment.housing.offered.v1", t.HousingOffered, _A.TREATMENT,
          lambda d: d.subject_ref, "subject_ref"),
    _spec("treatment.consent.recorded.v1", t.ConsentRecorded, _A.TREATMENT,
          lambda d: d.subject_ref, "subject_ref"),
    _spec("treatment.consent.revoked.v1", t.ConsentRevoked, _A.TREATMENT,
          lambda d: d.subject_ref, "subject_ref"),
    # trafficking: every case event is restricted
    _case("suspicion.registered", tr.SuspicionRegistered),
    _case("police_report.filed", tr.PoliceReportFiled),
    _case("protection.arranged", tr.ProtectionArranged),
    _case("reflection_period.granted", tr.ReflectionPeriodGranted),
    _case("case.closed", tr.TraffickingCaseClosed),
    # action plans, one type per programme area
    _plan(_A.HOLISTIC, p.HolisticPlanUpdated),
    _plan(_A.PREVENTION, p.PreventionPlanUpdated),
    _plan(_A.OUTREACH, p.OutreachPlanUpdated),
    _plan(_A.TREATMENT, p.TreatmentPlanUpdated),
    _plan(_A.TRAFFICKING, p.TraffickingPlanUpdated),
    # privacy
    _spec("privacy.erasure.requested.v1", privacy.SubjectErasureRequested, _A.HOLISTIC,
          lambda d: d.subject_ref, "subject_ref", topic=ERASURES),
)  # fmt: skip

#: Event type string -> its spec. The single source of truth for what travels where.
EVENT_TYPES: Mapping[str, EventSpec[Any]] = MappingProxyType({s.type: s for s in _SPECS})

#: Data model -> its spec (every model belongs to exactly one type).
SPECS_BY_MODEL: Mapping[type[EventData], EventSpec[Any]] = MappingProxyType(
    {s.model: s for s in _SPECS}
)


def spec_for(event_type: str) -> EventSpec[Any] | None:
    """The spec of a registered type, or None."""
    return EVENT_TYPES.get(event_type)


def spec_for_data(data: EventData) -> EventSpec[Any]:
    """The spec whose model is exactly ``type(data)``; KeyError if it is not registered."""
    return SPECS_BY_MODEL[type(data)]


def types_on_topic(topic: Topic) -> tuple[EventSpec[Any], ...]:
    """The specs of every type that travels on ``topic``."""
    return tuple(s for s in _SPECS if s.topic == topic)
