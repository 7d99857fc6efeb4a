"""A joint outreach operation of the central unit and districts: planned, then completed.

The organisation that plans or completes an operation takes part in it, and so does the
district it concerns; a completion reports on the district the operation was planned for.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType


class OperationStatus(StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"


class OperationStep(StrEnum):
    PLAN = "plan"
    COMPLETE = "complete"


#: (current status, step) -> the status after it; None is an operation nobody has planned.
TRANSITIONS: Mapping[tuple[OperationStatus | None, OperationStep], OperationStatus] = (
    MappingProxyType(
        {
            (None, OperationStep.PLAN): OperationStatus.PLANNED,
            (OperationStatus.PLANNED, OperationStep.COMPLETE): OperationStatus.COMPLETED,
        }
    )
)


def state_name(current: OperationStatus | None) -> str:
    return "unknown" if current is None else current.value


@dataclass(frozen=True, slots=True)
class Operation:
    status: OperationStatus
    district: str
    participants: frozenset[str]


class OperationStateError(Exception):
    """The step is impossible from the operation's current state."""

    def __init__(self, current: OperationStatus | None, step: OperationStep) -> None:
        self.state = state_name(current)
        super().__init__(f"an operation cannot {step.value} when it is {self.state}")


class OtherDistrictError(Exception):
    """The event names another district than the one the operation concerns."""

    def __init__(self, operation: Operation) -> None:
        self.state = operation.status.value
        super().__init__(f"the operation concerns {operation.district}")


class NotAParticipantError(Exception):
    """The organisation does not take part in the operation."""

    def __init__(self, organisation: str, step: OperationStep) -> None:
        super().__init__(f"{organisation} does not take part and may not {step.value} it")


class DistrictNotParticipatingError(Exception):
    """The district an operation concerns must take part in it."""

    def __init__(self, district: str) -> None:
        super().__init__(f"the district {district} is not among the participants")


def after(current: OperationStatus | None, step: OperationStep) -> OperationStatus:
    """The status after ``step``; OperationStateError when it is impossible."""
    try:
        return TRANSITIONS[current, step]
    except KeyError:
        raise OperationStateError(current, step) from None


def plan(
    current: Operation | None, *, actor: str, district: str, participants: Collection[str]
) -> Operation:
    """The operation as planned by ``actor``, concerning ``district``."""
    status = after(current.status if current else None, OperationStep.PLAN)
    if actor not in participants:
        raise NotAParticipantError(actor, OperationStep.PLAN)
    if district not in participants:
        raise DistrictNotParticipatingError(district)
    return Operation(status, district, frozenset(participants))


def complete(current: Operation | None, *, actor: str, district: str) -> Operation:
    """The operation as completed by ``actor``, reported for ``district``."""
    if current is None:
        raise OperationStateError(None, OperationStep.COMPLETE)
    status = after(current.status, OperationStep.COMPLETE)
    if district != current.district:
        raise OtherDistrictError(current)
    if actor not in current.participants:
        raise NotAParticipantError(actor, OperationStep.COMPLETE)
    return replace(current, status=status)
