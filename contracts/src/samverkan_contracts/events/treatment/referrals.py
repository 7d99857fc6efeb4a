"""The closed-loop referral between two organisations: sent, received, then one outcome."""

import enum
from datetime import date
from typing import Any, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from samverkan_contracts.base import EventData, LongText, OrganisationCode
from samverkan_contracts.subjects import SubjectRef


def _referral_id() -> Any:
    return Field(
        description="Id of the referral, the same on every event of its loop.",
        examples=["2d1c0b9a-8f7e-4d6c-b5a4-3f2e1d0c9b8a"],
    )


class LegalBasis(enum.StrEnum):
    """A legal ground that lets a referral go ahead without the person's consent.

    The list is fixed; adding a code is a contract change reviewed with the city's lawyers.

    * ``sol-child-concern``: the social services act's duty to report concern for a
      child and to give information in a child investigation.
    * ``lvu``: care of young people without consent (LVU, SFS 1990:52).
    * ``lvm``: care of adults with substance abuse without consent (LVM, SFS 1988:870).
    * ``lpt``: compulsory psychiatric care (LPT, SFS 1991:1128).
    * ``osl-10-2``: disclosure necessary for the sending authority to carry out its own
      task (public access and secrecy act, OSL 2009:400, chapter 10 section 2).
    * ``osl-10-28``: disclosure required by another act or ordinance (OSL chapter 10 section 28).
    """

    SOL_CHILD_CONCERN = "sol-child-concern"
    LVU = "lvu"
    LVM = "lvm"
    LPT = "lpt"
    OSL_10_2 = "osl-10-2"
    OSL_10_28 = "osl-10-28"


class ReferralService(enum.StrEnum):
    """What the receiving organisation is asked to provide."""

    COUNSELLING = "counselling"
    TRAUMA_TREATMENT = "trauma_treatment"
    SUBSTANCE_TREATMENT = "substance_treatment"
    EXIT_SUPPORT = "exit_support"
    HOUSING = "housing"
    PROTECTION = "protection"
    INVESTIGATION = "investigation"
    OTHER = "other"


class Urgency(enum.StrEnum):
    """How soon the receiver should act."""

    ROUTINE = "routine"
    URGENT = "urgent"


class DeclineReason(enum.StrEnum):
    """Why a referral was declined."""

    OUTSIDE_REMIT = "outside_remit"
    NO_CAPACITY = "no_capacity"
    PERSON_DECLINED = "person_declined"
    NOT_RESIDENT_IN_DISTRICT = "not_resident_in_district"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    ALREADY_RECEIVING_SUPPORT = "already_receiving_support"
    OTHER = "other"


class ReferralOutcome(enum.StrEnum):
    """How a completed referral ended for the person."""

    GOALS_MET = "goals_met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    PERSON_ENDED = "person_ended"
    MOVED_ON = "moved_on"


class ReferralSent(EventData):
    """A referral was sent. It carries a consent id or a legal basis, never neither or both."""

    referral_id: UUID = _referral_id()
    subject_ref: SubjectRef = Field(
        description="The person referred.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )
    from_organisation: OrganisationCode = Field(
        description="The organisation sending the referral.", examples=["kista"]
    )
    to_organisation: OrganisationCode = Field(
        description="The organisation asked to act.", examples=["socialtjanst"]
    )
    service: ReferralService = Field(description="What is asked for.", examples=["exit_support"])
    urgency: Urgency = Field(description="How soon to act.", examples=["routine"])
    respond_by: AwareDatetime = Field(
        description="When the receiver is asked to accept or decline by.",
        examples=["2026-03-05T16:00:00+01:00"],
    )
    consent_id: UUID | None = Field(
        default=None,
        description="An active consent that covers this referral (see consent.recorded).",
        examples=["4e3d2c1b-0a9f-4e8d-a7c6-b5a4f3e2d1c0"],
    )
    legal_basis: LegalBasis | None = Field(
        default=None,
        description="The legal ground when there is no consent.",
        examples=["sol-child-concern"],
    )
    reason: LongText | None = Field(
        default=None,
        description="Why the referral is made, de-identified.",
        examples=["Wants support to leave prostitution; needs housing"],
    )

    @model_validator(mode="after")
    def _consent_or_legal_basis(self) -> Self:
        if (self.consent_id is None) == (self.legal_basis is None):
            raise ValueError("a referral carries either consent_id or legal_basis, exactly one")
        if self.from_organisation == self.to_organisation:
            raise ValueError("a referral goes between two different organisations")
        return self


class ReferralReceived(EventData):
    """The receiving organisation acknowledged that the referral arrived."""

    referral_id: UUID = _referral_id()
    received_by: OrganisationCode = Field(
        description="The organisation that received it.", examples=["socialtjanst"]
    )


class ReferralAccepted(EventData):
    """The receiver accepted the referral."""

    referral_id: UUID = _referral_id()
    accepted_by: OrganisationCode = Field(
        description="The organisation that accepted.", examples=["socialtjanst"]
    )
    planned_start: date | None = Field(
        default=None, description="When support is planned to start.", examples=["2026-03-10"]
    )


class ReferralDeclined(EventData):
    """The receiver declined the referral; the reason is required."""

    referral_id: UUID = _referral_id()
    declined_by: OrganisationCode = Field(
        description="The organisation that declined.", examples=["socialtjanst"]
    )
    reason: DeclineReason = Field(description="Why it was declined.", examples=["no_capacity"])
    explanation: LongText | None = Field(
        default=None,
        description="More detail, de-identified; required when the reason is other.",
        examples=["Waiting list closed until April"],
    )

    @model_validator(mode="after")
    def _explain_other(self) -> Self:
        if self.reason is DeclineReason.OTHER and self.explanation is None:
            raise ValueError("explanation is required when reason is 'other'")
        return self


class ReferralCompleted(EventData):
    """The support asked for was given and the loop is closed with an outcome."""

    referral_id: UUID = _referral_id()
    completed_by: OrganisationCode = Field(
        description="The organisation that gave the support.", examples=["socialtjanst"]
    )
    outcome: ReferralOutcome = Field(description="How it ended.", examples=["goals_met"])
    summary: LongText | None = Field(
        default=None, description="De-identified summary.", examples=["Moved to own apartment"]
    )


class ReferralWithdrawn(EventData):
    """The sender withdrew the referral before it was completed."""

    referral_id: UUID = _referral_id()
    withdrawn_by: OrganisationCode = Field(
        description="The organisation that withdrew it.", examples=["kista"]
    )
    explanation: LongText | None = Field(
        default=None, description="Why, de-identified.", examples=["Person moved abroad"]
    )
