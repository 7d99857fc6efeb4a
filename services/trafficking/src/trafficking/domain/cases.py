"""A trafficking case: a registered suspicion opens it; while it is open a police report,
protection and a reflection period may follow in any order (each as often as it happens);
closing it ends it. Every step after the first concerns the district the case was opened for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseStep(StrEnum):
    SUSPICION_REGISTERED = "suspicion_registered"
    POLICE_REPORT_FILED = "police_report_filed"
    PROTECTION_ARRANGED = "protection_arranged"
    REFLECTION_PERIOD_GRANTED = "reflection_period_granted"
    CASE_CLOSED = "case_closed"


_OPEN, _CLOSED, _S = CaseStatus.OPEN, CaseStatus.CLOSED, CaseStep

#: (current status, step) -> the status after it; None is a case nobody has opened.
TRANSITIONS: Mapping[tuple[CaseStatus | None, CaseStep], CaseStatus] = MappingProxyType(
    {
        (None, _S.SUSPICION_REGISTERED): _OPEN,
        (_OPEN, _S.POLICE_REPORT_FILED): _OPEN,
        (_OPEN, _S.PROTECTION_ARRANGED): _OPEN,
        (_OPEN, _S.REFLECTION_PERIOD_GRANTED): _OPEN,
        (_OPEN, _S.CASE_CLOSED): _CLOSED,
    }
)

_DOING = MappingProxyType(
    {
        _S.SUSPICION_REGISTERED: "registering a suspicion",
        _S.POLICE_REPORT_FILED: "filing a police report",
        _S.PROTECTION_ARRANGED: "arranging protection",
        _S.REFLECTION_PERIOD_GRANTED: "granting a reflection period",
        _S.CASE_CLOSED: "closing the case",
    }
)


def state_name(current: CaseStatus | None) -> str:
    return "unknown" if current is None else current.value


@dataclass(frozen=True, slots=True)
class Case:
    status: CaseStatus
    district: str


class CaseStateError(Exception):
    """The step is impossible from the case's current state."""

    def __init__(self, current: CaseStatus | None, step: CaseStep) -> None:
        self.state = state_name(current)
        super().__init__(f"{_DOING[step]} is impossible when the case is {self.state}")


class OtherDistrictError(Exception):
    """The event names another district than the one the case was opened for."""

    def __init__(self, case: Case) -> None:
        self.state = case.status.value
        super().__init__(f"the case concerns {case.district}")


def after(current: CaseStatus | None, step: CaseStep) -> CaseStatus:
    """The status after ``step``; CaseStateError when it is impossible."""
    try:
        return TRANSITIONS[current, step]
    except KeyError:
        raise CaseStateError(current, step) from None


def apply(current: Case | None, step: CaseStep, district: str) -> Case:
    """The case after ``step``, reported for ``district``."""
    if current is None:
        return Case(after(None, step), district)
    status = after(current.status, step)
    if district != current.district:
        raise OtherDistrictError(current)
    return replace(current, status=status)
