"""Consultations: a district asks the central specialists about a de-identified case."""

import enum
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, Field

from samverkan_contracts.base import AgeBand, EventData, LongText, OrganisationCode


def _consultation_id() -> Any:
    return Field(
        description="Id of the consultation, the same on every event about it.",
        examples=["1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
    )


class ConsultationQuestion(enum.StrEnum):
    """What kind of advice is asked for."""

    ASSESSMENT = "assessment"
    TREATMENT_OPTIONS = "treatment_options"
    PROTECTION = "protection"
    TRAFFICKING_INDICATORS = "trafficking_indicators"
    LEGAL_QUESTIONS = "legal_questions"
    OTHER = "other"


class ConsultationResolution(enum.StrEnum):
    """How a consultation was closed."""

    ADVICE_GIVEN = "advice_given"
    REFERRAL_MADE = "referral_made"
    WITHDRAWN = "withdrawn"
    NO_LONGER_NEEDED = "no_longer_needed"


class ConsultationRequested(EventData):
    """A district asked the central specialists for advice on a case. The case is de-identified:
    there is no subject reference, only an age band and a de-identified summary."""

    consultation_id: UUID = _consultation_id()
    requested_by: OrganisationCode = Field(
        description="The organisation asking.", examples=["rinkeby"]
    )
    requested_of: OrganisationCode = Field(
        description="The specialists asked (usually the central unit).", examples=["socialtjanst"]
    )
    question: ConsultationQuestion = Field(
        description="What kind of advice is asked for.", examples=["trafficking_indicators"]
    )
    respond_by: AwareDatetime = Field(
        description="The requested response time: when an answer is needed by.",
        examples=["2026-02-20T12:00:00+01:00"],
    )
    age_band: AgeBand = Field(description="Age band of the person concerned.", examples=["16-17"])
    case_summary: LongText = Field(
        description="The case, de-identified: no names, places or dates that identify anyone.",
        examples=["Girl, 16, new older boyfriend, gifts and nights away; school worried"],
    )


class ConsultationAnswered(EventData):
    """The specialists answered a consultation."""

    consultation_id: UUID = _consultation_id()
    answered_by: OrganisationCode = Field(
        description="The organisation that answered.", examples=["socialtjanst"]
    )
    advice: LongText = Field(
        description="The advice given, de-identified.",
        examples=["Signs of grooming; open a child investigation and consider a referral"],
    )
    follow_up_needed: bool = Field(
        description="True when the specialists want to follow up the case.", examples=[True]
    )


class ConsultationClosed(EventData):
    """A consultation was closed by the organisation that asked."""

    consultation_id: UUID = _consultation_id()
    closed_by: OrganisationCode = Field(
        description="The organisation that closed it.", examples=["rinkeby"]
    )
    resolution: ConsultationResolution = Field(
        description="How it ended.", examples=["advice_given"]
    )
