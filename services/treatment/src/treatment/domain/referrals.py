"""The closed-loop referral between two organisations: a pure state machine.

::

    (nothing) --sent--> sent --received--> received --accepted--> accepted --completed--> completed
                                                    \\--declined--> declined
    sent, received, accepted --withdrawn--> withdrawn

The receiver acknowledges a referral before deciding on it. FHIR's Task lets a receiver
accept straight from ``requested``; the programme makes receipt its own step because "a
referral not acknowledged in time" is an alert of its own, and the acknowledgement is what
stops that clock. A receiver that decides at once sends ``received`` and ``accepted`` in one
batch. Declined, completed and withdrawn are final.

The sender sends and withdraws; the receiver takes every other step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from treatment.domain.steps import ImpossibleStepError


class ReferralStatus(StrEnum):
    """Where a referral stands; each status is also the step that leads into it."""

    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Party(StrEnum):
    """The two organisations of a referral."""

    SENDER = "sender"
    RECEIVER = "receiver"


_S = ReferralStatus

#: From each state (None: nothing sent yet), the steps that may follow.
NEXT: Mapping[ReferralStatus | None, frozenset[ReferralStatus]] = MappingProxyType(
    {
        None: frozenset({_S.SENT}),
        _S.SENT: frozenset({_S.RECEIVED, _S.WITHDRAWN}),
        _S.RECEIVED: frozenset({_S.ACCEPTED, _S.DECLINED, _S.WITHDRAWN}),
        _S.ACCEPTED: frozenset({_S.COMPLETED, _S.WITHDRAWN}),
        _S.DECLINED: frozenset(),
        _S.COMPLETED: frozenset(),
        _S.WITHDRAWN: frozenset(),
    }
)

#: Who takes each step.
TAKEN_BY: Mapping[ReferralStatus, Party] = MappingProxyType(
    {
        _S.SENT: Party.SENDER,
        _S.RECEIVED: Party.RECEIVER,
        _S.ACCEPTED: Party.RECEIVER,
        _S.DECLINED: Party.RECEIVER,
        _S.COMPLETED: Party.RECEIVER,
        _S.WITHDRAWN: Party.SENDER,
    }
)

#: The states in which a referral still waits for someone (the sender may withdraw it).
OPEN = frozenset(status for status, steps in NEXT.items() if steps and status is not None)


@dataclass(frozen=True, slots=True)
class Referral:
    """What the rules need to know about a referral."""

    district: str
    subject_ref: str
    sender: str
    receiver: str
    status: ReferralStatus

    def party(self, organisation: str) -> Party | None:
        """The caller's side of the referral, or None when it is no party to it."""
        if organisation == self.sender:
            return Party.SENDER
        if organisation == self.receiver:
            return Party.RECEIVER
        return None

    def may_take(self, step: ReferralStatus, organisation: str) -> bool:
        """Whether ``organisation`` is the party that takes ``step``."""
        return self.party(organisation) is TAKEN_BY[step]


def advance(current: ReferralStatus | None, step: ReferralStatus) -> ReferralStatus:
    """The state after ``step``; ImpossibleStepError (naming the current state) if not allowed."""
    if step not in NEXT[current]:
        raise ImpossibleStepError("referral", current, step)
    return step
