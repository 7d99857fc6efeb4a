"""Treatment: referrals, consultations, treatment episodes, housing and consent."""

from samverkan_contracts.events.treatment.care import (
    EndReason,
    HousingKind,
    HousingOffered,
    TreatmentEnded,
    TreatmentKind,
    TreatmentStarted,
)
from samverkan_contracts.events.treatment.consent import (
    ConsentPurpose,
    ConsentRecorded,
    ConsentRevoked,
)
from samverkan_contracts.events.treatment.consultations import (
    ConsultationAnswered,
    ConsultationClosed,
    ConsultationQuestion,
    ConsultationRequested,
    ConsultationResolution,
)
from samverkan_contracts.events.treatment.referrals import (
    DeclineReason,
    LegalBasis,
    ReferralAccepted,
    ReferralCompleted,
    ReferralDeclined,
    ReferralOutcome,
    ReferralReceived,
    ReferralSent,
    ReferralService,
    ReferralWithdrawn,
    Urgency,
)

__all__ = [
    "ConsentPurpose",
    "ConsentRecorded",
    "ConsentRevoked",
    "ConsultationAnswered",
    "ConsultationClosed",
    "ConsultationQuestion",
    "ConsultationRequested",
    "ConsultationResolution",
    "DeclineReason",
    "EndReason",
    "HousingKind",
    "HousingOffered",
    "LegalBasis",
    "ReferralAccepted",
    "ReferralCompleted",
    "ReferralDeclined",
    "ReferralOutcome",
    "ReferralReceived",
    "ReferralSent",
    "ReferralService",
    "ReferralWithdrawn",
    "TreatmentEnded",
    "TreatmentKind",
    "TreatmentStarted",
    "Urgency",
]
