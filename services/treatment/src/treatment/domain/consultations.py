"""A consultation: a district asks the central specialists about a de-identified case.

::

    (nothing) --requested--> requested --answered--> answered --closed--> closed
                             requested --closed (without advice)--> closed

The specialists answer once; only the district that asked closes. A consultation can be
closed before it is answered (withdrawn, no longer needed, a referral made instead), but
never as "advice given" when no advice was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from samverkan_contracts.events.treatment import ConsultationResolution
from treatment.domain.steps import ImpossibleStepError


class ConsultationStatus(StrEnum):
    """Where a consultation stands; each status is also the step that leads into it."""

    REQUESTED = "requested"
    ANSWERED = "answered"
    CLOSED = "closed"


_C = ConsultationStatus

#: From each state (None: nothing asked yet), the steps that may follow.
NEXT: Mapping[ConsultationStatus | None, frozenset[ConsultationStatus]] = MappingProxyType(
    {
        None: frozenset({_C.REQUESTED}),
        _C.REQUESTED: frozenset({_C.ANSWERED, _C.CLOSED}),
        _C.ANSWERED: frozenset({_C.CLOSED}),
        _C.CLOSED: frozenset(),
    }
)

#: Resolutions that say advice was given, so the consultation must have been answered.
NEEDS_ANSWER = frozenset({ConsultationResolution.ADVICE_GIVEN})


@dataclass(frozen=True, slots=True)
class Consultation:
    """What the rules need to know about a consultation."""

    district: str
    requested_by: str
    requested_of: str
    status: ConsultationStatus


def advance(
    current: ConsultationStatus | None,
    step: ConsultationStatus,
    resolution: ConsultationResolution | None = None,
) -> ConsultationStatus:
    """The state after ``step`` (a close names its resolution); refused if not allowed."""
    if step not in NEXT[current]:
        raise ImpossibleStepError("consultation", current, step)
    if (
        step is _C.CLOSED
        and current is _C.REQUESTED
        and (resolution is None or resolution in NEEDS_ANSWER)
    ):
        raise ImpossibleStepError(
            "consultation", current, step, "only an answered consultation closes as advice given"
        )
    return step


def answered_in_time(respond_by: datetime, answered_at: datetime | None) -> bool | None:
    """Whether the answer came by the requested response time (None while unanswered)."""
    return None if answered_at is None else answered_at <= respond_by
