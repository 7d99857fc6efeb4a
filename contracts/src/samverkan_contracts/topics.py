"""Kafka topics, declared once. ``deploy/kafka/topics.yaml`` is generated from ``TOPICS``.

One topic per domain service. Action plans travel on the topic of the service that
owns their area; holistic (city-as-a-whole) plans have no service of their own and
travel on the prevention topic. The registry says which event type goes where and
what its key is.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from samverkan_contracts.base import ProgrammeArea

if TYPE_CHECKING:
    from collections.abc import Mapping

_KEEP_FOREVER = MappingProxyType({"cleanup.policy": "delete", "retention.ms": "-1"})
_THIRTY_DAYS_MS = str(30 * 24 * 3600 * 1000)


@dataclass(frozen=True, slots=True)
class Topic:
    """A Kafka topic: its name, partitions, broker config and what its records are keyed by."""

    name: str
    partitions: int
    config: Mapping[str, str]
    key: str
    description: str

    @property
    def compacted(self) -> bool:
        """True when the broker keeps only the latest record per key."""
        return "compact" in self.config.get("cleanup.policy", "")


PREVENTION = Topic(
    "samverkan.prevention.v1",
    3,
    _KEEP_FOREVER,
    key="the aggregate id: activity, training request or plan",
    description="Events of the prevention service, and every district's holistic plan.",
)
OUTREACH = Topic(
    "samverkan.outreach.v1",
    3,
    _KEEP_FOREVER,
    key="the aggregate id: subject reference or contact, observation, operation, signal, plan",
    description="Events of the outreach service.",
)
TREATMENT = Topic(
    "samverkan.treatment.v1",
    3,
    _KEEP_FOREVER,
    key="the aggregate id: referral, consultation, episode, subject reference or plan",
    description="Events of the treatment service: referrals, consultations, consent, care.",
)
TRAFFICKING = Topic(
    "samverkan.trafficking.v1",
    3,
    _KEEP_FOREVER,
    key="the aggregate id: trafficking case or plan",
    description="Events of the trafficking service; case events are restricted.",
)
DEADLETTER = Topic(
    "samverkan.deadletter.v1",
    3,
    MappingProxyType({"cleanup.policy": "delete", "retention.ms": _THIRTY_DAYS_MS}),
    key="the original record's key",
    description="Records a consumer could not handle: original key, value and headers, "
    "plus dlt_* headers saying where they came from and why they failed (kept 30 days).",
)
ERASURES = Topic(
    "samverkan.erasures.v1",
    1,
    MappingProxyType({"cleanup.policy": "compact"}),
    key="the subject reference",
    description="Erasure requests, compacted: the latest request for every subject is kept.",
)

#: Every topic of the platform, in the order the local stack creates them.
TOPICS: tuple[Topic, ...] = (PREVENTION, OUTREACH, TREATMENT, TRAFFICKING, DEADLETTER, ERASURES)

#: The topic that carries each programme area's events (and plans).
AREA_TOPICS: Mapping[ProgrammeArea, Topic] = MappingProxyType(
    {
        ProgrammeArea.HOLISTIC: PREVENTION,
        ProgrammeArea.PREVENTION: PREVENTION,
        ProgrammeArea.OUTREACH: OUTREACH,
        ProgrammeArea.TREATMENT: TREATMENT,
        ProgrammeArea.TRAFFICKING: TRAFFICKING,
    }
)

#: Headers a dead-lettered record carries besides its original ones.
DLT_HEADERS: Mapping[str, str] = MappingProxyType(
    {
        "dlt_original_topic": "topic the record was read from",
        "dlt_original_partition": "its partition (decimal)",
        "dlt_original_offset": "its offset (decimal)",
        "dlt_original_timestamp": "its timestamp, epoch milliseconds (decimal)",
        "dlt_consumer_group": "the consumer group that gave up on it",
        "dlt_error_class": "the error's class name",
        "dlt_error_message": "the error message, redacted (never record contents)",
        "dlt_attempts": "how many times handling was tried (decimal)",
    }
)


def topic_by_name(name: str) -> Topic | None:
    """The topic with this name, or None."""
    return next((t for t in TOPICS if t.name == name), None)
