"""A staff training: requested by a district, then delivered by the central unit."""

from __future__ import annotations

from enum import StrEnum


class TrainingStatus(StrEnum):
    REQUESTED = "requested"
    DELIVERED = "delivered"


class TrainingStateError(Exception):
    """The step is impossible from the training's current state."""

    def __init__(self, current: TrainingStatus | None, step: str) -> None:
        super().__init__(f"a training cannot be {step} when it is {current or 'unknown'}")
        self.current = current


def after_request(current: TrainingStatus | None) -> TrainingStatus:
    if current is not None:
        raise TrainingStateError(current, "requested again")
    return TrainingStatus.REQUESTED


def after_delivery(current: TrainingStatus | None, *, requested: bool) -> TrainingStatus:
    """A delivery answers an open request, or stands alone when nothing was requested."""
    if requested and current is not TrainingStatus.REQUESTED:
        raise TrainingStateError(current, "delivered")
    if not requested and current is not None:
        raise TrainingStateError(current, "delivered again")
    return TrainingStatus.DELIVERED
