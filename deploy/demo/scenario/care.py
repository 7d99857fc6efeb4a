"""Consultations (answered in time, answered late, answered and still open, closed
unanswered, overdue, waiting), treatment without a referral, and a housing offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from deploy.demo.scenario.kit import (
    CENTRAL,
    FARSTA,
    HOUSING,
    KISTA,
    KUNGSHOLMEN,
    RINKEBY,
    SKARHOLMEN,
    Month,
)
from deploy.demo.scenario.outreach import KISTA_CLIENT
from samverkan_contracts.base import AgeBand
from samverkan_contracts.events import treatment as t

_Q, _R, _B = t.ConsultationQuestion, t.ConsultationResolution, AgeBand


@dataclass(frozen=True)
class Ask:
    """A consultation's course: asked, perhaps answered, perhaps closed (day, resolution)."""

    key: str
    district: str
    question: t.ConsultationQuestion
    band: AgeBand
    asked: int
    hours: int
    case: str
    answered: int | None = None
    advice: str = "-"
    closed: tuple[int, t.ConsultationResolution] | None = None


CONSULTATIONS = (
    Ask("kista-1", KISTA, _Q.TRAFFICKING_INDICATORS, _B.AGE_18_24, 4, 48,
        "Young woman, new in the country, lives at her employer's; passport kept by others",
        answered=5, closed=(7, _R.ADVICE_GIVEN),
        advice="Several trafficking indicators; contact the central trafficking team today"),
    Ask("rinkeby-1", RINKEBY, _Q.ASSESSMENT, _B.AGE_16_17, 8, 48,
        "Girl, 16, older boyfriend, gifts and nights away; school worried",
        answered=12, closed=(14, _R.REFERRAL_MADE),
        advice="Signs of grooming; open a child investigation and consider a referral"),
    Ask("farsta-1", FARSTA, _Q.TREATMENT_OPTIONS, _B.AGE_25_34, 15, 72,
        "Woman selling sex online wants to stop; has a child at home",
        answered=16,
        advice="Offer the exit programme; the family unit can support the child meanwhile"),
    Ask("kista-2", KISTA, _Q.OTHER, _B.AGE_35_49, 19, 48,
        "Man buying sex asks the district for help to stop",
        closed=(20, _R.NO_LONGER_NEEDED)),
    Ask("skarholmen-1", SKARHOLMEN, _Q.PROTECTION, _B.AGE_18_24, 24, 48,
        "Woman afraid of the man who advertises her; wants to move"),
    Ask("kungsholmen-1", KUNGSHOLMEN, _Q.LEGAL_QUESTIONS, _B.AGE_25_34, 28, 96,
        "Hotel staff ask what they may report about a guest"),
)  # fmt: skip


def add_consultations(month: Month) -> None:
    for ask in CONSULTATIONS:
        consultation_id = month.id(f"consultation/{ask.key}")
        flow = month.flow(f"consultation/{ask.key}")
        flow.then(
            "requested",
            t.ConsultationRequested(
                consultation_id=consultation_id,
                requested_by=ask.district,
                requested_of=CENTRAL,
                question=ask.question,
                respond_by=month.at(ask.asked, 12) + timedelta(hours=ask.hours),
                age_band=ask.band,
                case_summary=ask.case,
            ),
            by=ask.district,
            about=ask.district,
            when=month.at(ask.asked, 12),
        )
        if ask.answered is not None:
            flow.then(
                "answered",
                t.ConsultationAnswered(
                    consultation_id=consultation_id,
                    answered_by=CENTRAL,
                    advice=ask.advice,
                    follow_up_needed=ask.question is _Q.ASSESSMENT,
                ),
                by=CENTRAL,
                about=ask.district,
                when=month.at(ask.answered, 10),
            )
        if ask.closed is not None:
            day, resolution = ask.closed
            flow.then(
                "closed",
                t.ConsultationClosed(
                    consultation_id=consultation_id, closed_by=ask.district, resolution=resolution
                ),
                by=ask.district,
                about=ask.district,
                when=month.at(day, 15),
            )


def add_care(month: Month) -> None:
    """Treatment nobody referred to, and housing offered to Kista's client."""
    group = month.flow("episode/central-group")
    person = month.subject(CENTRAL, "group-member-b")
    group.then(
        "started",
        t.TreatmentStarted(
            episode_id=month.id("episode/central-group"),
            subject_ref=person,
            provided_by=CENTRAL,
            kind=t.TreatmentKind.GROUP_SUPPORT,
            started_on=month.date(3),
        ),
        by=CENTRAL,
        about=FARSTA,
        when=month.at(3, 13),
    )
    group.then(
        "ended",
        t.TreatmentEnded(
            episode_id=month.id("episode/central-group"),
            ended_on=month.date(19),
            reason=t.EndReason.DROPPED_OUT,
        ),
        by=CENTRAL,
        about=FARSTA,
        when=month.at(19, 13),
    )
    month.add(
        t.TreatmentStarted(
            episode_id=month.id("episode/kungsholmen-counselling"),
            subject_ref=month.subject(KUNGSHOLMEN, "kungsholmen-client-j"),
            provided_by=KUNGSHOLMEN,
            kind=t.TreatmentKind.COUNSELLING,
            started_on=month.date(9),
        ),
        key="episode/kungsholmen-counselling/started",
        by=KUNGSHOLMEN,
        about=KUNGSHOLMEN,
        when=month.at(9, 14),
    )
    month.add(
        t.HousingOffered(
            offer_id=month.id("housing-offer/kista-a"),
            subject_ref=month.subject(*KISTA_CLIENT),
            offered_by=HOUSING,
            kind=t.HousingKind.TRANSITIONAL_APARTMENT,
            available_from=month.date(24),
        ),
        key="housing-offer/kista-a",
        by=HOUSING,
        about=KISTA,
        when=month.at(20, 10),
    )
