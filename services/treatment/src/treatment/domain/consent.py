"""Consent: recorded by the organisation it was given to, time-limited, purpose- and
recipient-bound, and revoked only by that organisation.

A referral that names a consent goes ahead only if, on the day of the referral (the
event's own date, as the sender wrote it), the consent was recorded by the sender, is
about the same person, is for referrals, lists the receiver among its recipients, has
begun, has not passed its last valid day, and has not been revoked. A recorded revocation
ends the consent whatever date it names: nothing is shared once a revocation is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from samverkan_contracts.events.treatment import ConsentPurpose
from treatment.domain.steps import UNKNOWN, ImpossibleStepError


class ConsentStatus(StrEnum):
    """The lifecycle of a consent record."""

    RECORDED = "recorded"
    REVOKED = "revoked"


class Validity(StrEnum):
    """What a consent allows on a given day."""

    ACTIVE = "active"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Consent:
    """What the rules need to know about a consent."""

    district: str
    subject_ref: str
    granting_organisation: str
    recipients: frozenset[str]
    purpose: ConsentPurpose
    given_on: date
    valid_until: date
    status: ConsentStatus

    def validity_on(self, day: date) -> Validity:
        if self.status is ConsentStatus.REVOKED:
            return Validity.REVOKED
        if day < self.given_on:
            return Validity.NOT_YET_VALID
        if day > self.valid_until:
            return Validity.EXPIRED
        return Validity.ACTIVE


class ConsentRefusedError(Exception):
    """A consent does not cover a referral; ``state`` names the consent's validity."""

    def __init__(self, state: str, why: str) -> None:
        super().__init__(why)
        self.state = state


def check_covers(
    consent: Consent | None, *, subject_ref: str, sender: str, receiver: str, day: date
) -> None:
    """Raise ConsentRefusedError unless ``consent`` lets ``sender`` refer to ``receiver``.

    A consent recorded by another organisation is reported as unknown: the sender learns
    nothing about other organisations' consents.
    """
    if consent is None or consent.granting_organisation != sender:
        raise ConsentRefusedError(UNKNOWN, "no consent with this id was recorded by the sender")
    validity = consent.validity_on(day)
    if consent.subject_ref != subject_ref:
        raise ConsentRefusedError(validity, "the consent is about another person")
    if validity is not Validity.ACTIVE:
        raise ConsentRefusedError(validity, f"the consent is {validity} on {day.isoformat()}")
    if consent.purpose is not ConsentPurpose.REFERRAL:
        raise ConsentRefusedError(validity, f"the consent is for {consent.purpose}, not referral")
    if receiver not in consent.recipients:
        raise ConsentRefusedError(validity, f"{receiver} is not among the consent's recipients")


def after_record(current: ConsentStatus | None) -> ConsentStatus:
    if current is not None:
        raise ImpossibleStepError("consent", current, "recorded again")
    return ConsentStatus.RECORDED


def after_revoke(consent: Consent | None, *, subject_ref: str) -> ConsentStatus:
    """A recorded consent, revoked for the person it is about."""
    current = consent.status if consent is not None else None
    if consent is None or current is not ConsentStatus.RECORDED:
        raise ImpossibleStepError("consent", current, "revoked")
    if consent.subject_ref != subject_ref:
        raise ImpossibleStepError("consent", current, "revoked", "it is about another person")
    return ConsentStatus.REVOKED
