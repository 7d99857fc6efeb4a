"""The one refusal the state machines raise; use cases answer it with 409 and its state."""

from __future__ import annotations

from enum import StrEnum

#: How a missing aggregate is named in refusals (nothing was ever recorded under its id).
UNKNOWN = "unknown"


class ImpossibleStepError(Exception):
    """A step that the aggregate's current state does not allow."""

    def __init__(self, noun: str, current: StrEnum | None, step: str, why: str = "") -> None:
        self.current = str(current) if current is not None else UNKNOWN
        message = f"a {noun} cannot be {step} when it is {self.current}"
        super().__init__(f"{message}: {why}" if why else message)


def district_fits(case_district: str, event_district: str, actor: str) -> bool:
    """Whether a follow-up event names a district that fits its case.

    Every event about a case concerns the case's district, except that a district taking
    a step writes about itself (the static authorisation table lets a district write only
    about its own district): a district that receives a referral from another district
    names itself.
    """
    return event_district in {case_district, actor}
