"""Consent: time-limited, purpose- and recipient-bound, and revocable."""

import enum
from datetime import date
from typing import Any, Self
from uuid import UUID

from pydantic import Field, model_validator

from samverkan_contracts.base import EventData, OrganisationCode
from samverkan_contracts.subjects import SubjectRef


def _consent_id() -> Any:
    return Field(
        description="Id of the consent.", examples=["4e3d2c1b-0a9f-4e8d-a7c6-b5a4f3e2d1c0"]
    )


def _subject_ref() -> Any:
    return Field(
        description="The person who gave the consent.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )


class ConsentPurpose(enum.StrEnum):
    """What the consent allows information to be shared for."""

    REFERRAL = "referral"
    CONSULTATION = "consultation"
    COORDINATED_CARE_PLANNING = "coordinated_care_planning"
    FOLLOW_UP = "follow_up"


class ConsentRecorded(EventData):
    """A person's consent to share information was recorded."""

    consent_id: UUID = _consent_id()
    subject_ref: SubjectRef = _subject_ref()
    granting_organisation: OrganisationCode = Field(
        description="The organisation the person allowed to share (and that recorded it).",
        examples=["kista"],
    )
    recipients: tuple[OrganisationCode, ...] = Field(
        min_length=1,
        description="The organisations that may receive the information.",
        examples=[["socialtjanst", "familjebostader"]],
    )
    purpose: ConsentPurpose = Field(description="What it may be shared for.", examples=["referral"])
    given_on: date = Field(description="When the consent was given.", examples=["2026-02-28"])
    valid_until: date = Field(description="The last day it is valid.", examples=["2026-08-31"])

    @model_validator(mode="after")
    def _valid_after_given(self) -> Self:
        if self.valid_until < self.given_on:
            raise ValueError("valid_until is before given_on")
        return self


class ConsentRevoked(EventData):
    """A person revoked a consent; every holder must stop sharing under it."""

    consent_id: UUID = _consent_id()
    subject_ref: SubjectRef = _subject_ref()
    revoked_on: date = Field(description="When it was revoked.", examples=["2026-05-15"])
    recorded_by: OrganisationCode = Field(
        description="The organisation that recorded the revocation.", examples=["kista"]
    )
