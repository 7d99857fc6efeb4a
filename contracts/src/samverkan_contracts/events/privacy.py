"""Privacy: erasure of a subject's data across the platform."""

import enum

from pydantic import Field

from samverkan_contracts.base import EventData, OrganisationCode
from samverkan_contracts.subjects import SubjectRef


class ErasureReason(enum.StrEnum):
    """Why a subject's data is erased."""

    SUBJECT_REQUEST = "subject_request"
    RETENTION_EXPIRED = "retention_expired"
    RECORDED_IN_ERROR = "recorded_in_error"


class SubjectErasureRequested(EventData):
    """A subject's data is to be erased everywhere. On the compacted erasures topic, keyed by
    the subject reference, so the latest request for every subject is kept for replays."""

    subject_ref: SubjectRef = Field(
        description="The person whose data is to be erased.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    )
    reason: ErasureReason = Field(description="Why.", examples=["subject_request"])
    requested_by: OrganisationCode = Field(
        description="The organisation that decided the erasure.", examples=["socialtjanst"]
    )
