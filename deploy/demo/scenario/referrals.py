"""Closed-loop referrals in every state, each under a recorded consent or a legal basis.

=========  ===========================  ===========================================
key        loop                         where it ends this month
=========  ===========================  ===========================================
kista-a    kista -> central unit        completed (exit programme, housing offered)
rinkeby-b  rinkeby -> central unit      completed, treatment still going on
kungs-c    kungsholmen -> central unit  completed, treatment completed
kista-d    kista -> central unit        accepted, in treatment
farsta-e   farsta -> central unit       declined: no capacity (with an explanation)
skarh-f    skarholmen -> central unit   withdrawn; the person then revoked her consent
kungs-g    kungsholmen -> central unit  sent, not acknowledged past its respond-by
central-h  central unit -> kista        received by Kista, undecided past its respond-by
rinkeby-i  rinkeby -> kungsholmen       sent under a legal basis, respond-by ahead
=========  ===========================  ===========================================
"""

from __future__ import annotations

from deploy.demo.scenario.kit import (
    CENTRAL,
    FARSTA,
    KISTA,
    KUNGSHOLMEN,
    RINKEBY,
    SKARHOLMEN,
    Flow,
    Month,
)
from deploy.demo.scenario.outreach import KISTA_CLIENT
from samverkan_contracts.base import EventData
from samverkan_contracts.events import treatment as t
from samverkan_contracts.organisations import OrganisationKind, load_organisations

_SV, _U, _K = t.ReferralService, t.Urgency, t.TreatmentKind


class Loop:
    """One referral's course, step by step, as the two organisations publish it."""

    def __init__(self, month: Month, key: str, sender: str, receiver: str, district: str) -> None:
        self.month, self.key = month, key
        self.sender, self.receiver, self.district = sender, receiver, district
        self.referral_id = month.id(f"referral/{key}")
        self.flow: Flow = month.flow(f"referral/{key}")

    @property
    def receiver_writes_about(self) -> str:
        """A district receiver writes about itself; the central unit about the case's district."""
        org = load_organisations().get(self.receiver)
        district = org is not None and org.kind is OrganisationKind.DISTRICT
        return self.receiver if district else self.district

    def send(  # noqa: PLR0913 - the referral's own fields
        self,
        person: tuple[str, str],
        service: t.ReferralService,
        *,
        day: int,
        respond_in: int,
        urgency: t.Urgency = _U.ROUTINE,
        basis: t.LegalBasis | None = None,
        reason: str | None = None,
    ) -> Loop:
        """Consent recorded first (unless a legal basis carries it), then the referral."""
        m, subject = self.month, self.month.subject(*person)
        consent_id = None
        if basis is None:
            consent_id = m.id(f"consent/{self.key}")
            consent = t.ConsentRecorded(
                consent_id=consent_id,
                subject_ref=subject,
                granting_organisation=self.sender,
                recipients=(self.receiver,),
                purpose=t.ConsentPurpose.REFERRAL,
                given_on=m.date(day),
                valid_until=m.date(day + 180),
            )
            self.flow.then(
                "consent", consent, by=self.sender, about=self.district, when=m.at(day, 9)
            )
        sent = t.ReferralSent(
            referral_id=self.referral_id,
            subject_ref=subject,
            from_organisation=self.sender,
            to_organisation=self.receiver,
            service=service,
            urgency=urgency,
            respond_by=m.at(day + respond_in, 16),
            consent_id=consent_id,
            legal_basis=basis,
            reason=reason,
        )
        self.flow.then("sent", sent, by=self.sender, about=self.district, when=m.at(day, 10))
        return self

    def step(self, name: str, data: EventData, day: int, *, by_sender: bool = False) -> Loop:
        by = self.sender if by_sender else self.receiver
        about = self.district if by_sender else self.receiver_writes_about
        self.flow.then(name, data, by=by, about=about, when=self.month.at(day, 11))
        return self

    def received(self, day: int) -> Loop:
        data = t.ReferralReceived(referral_id=self.referral_id, received_by=self.receiver)
        return self.step("received", data, day)

    def accepted(self, day: int) -> Loop:
        data = t.ReferralAccepted(
            referral_id=self.referral_id,
            accepted_by=self.receiver,
            planned_start=self.month.date(day + 3),
        )
        return self.step("accepted", data, day)

    def treated(self, person: tuple[str, str], kind: t.TreatmentKind, day: int) -> Loop:
        data = t.TreatmentStarted(
            episode_id=self.month.id(f"episode/{self.key}"),
            subject_ref=self.month.subject(*person),
            provided_by=self.receiver,
            kind=kind,
            referral_id=self.referral_id,
            started_on=self.month.date(day),
        )
        return self.step("episode-started", data, day)

    def treatment_ended(self, day: int) -> Loop:
        data = t.TreatmentEnded(
            episode_id=self.month.id(f"episode/{self.key}"),
            ended_on=self.month.date(day),
            reason=t.EndReason.COMPLETED,
        )
        return self.step("episode-ended", data, day)

    def completed(self, day: int, outcome: t.ReferralOutcome, summary: str) -> Loop:
        data = t.ReferralCompleted(
            referral_id=self.referral_id,
            completed_by=self.receiver,
            outcome=outcome,
            summary=summary,
        )
        return self.step("completed", data, day)


def add_referrals(month: Month) -> None:
    a = Loop(month, "kista-a", KISTA, CENTRAL, KISTA)
    a.send(
        KISTA_CLIENT,
        _SV.EXIT_SUPPORT,
        day=3,
        respond_in=5,
        reason="Wants support to leave prostitution; needs housing",
    )
    a.received(3).accepted(5).treated(KISTA_CLIENT, _K.EXIT_PROGRAMME, 8).treatment_ended(26)
    a.completed(27, t.ReferralOutcome.GOALS_MET, "Exit programme finished; moved to own flat")

    rinkeby_b = (RINKEBY, "rinkeby-client-b")
    b = Loop(month, "rinkeby-b", RINKEBY, CENTRAL, RINKEBY)
    b.send(rinkeby_b, _SV.TRAUMA_TREATMENT, day=6, respond_in=5)
    b.received(7).accepted(9).treated(rinkeby_b, _K.TRAUMA_TREATMENT, 10)
    b.completed(25, t.ReferralOutcome.PARTLY_MET, "Assessment done; treatment goes on")

    kungs_c = (KUNGSHOLMEN, "kungsholmen-client-c")
    c = Loop(month, "kungs-c", KUNGSHOLMEN, CENTRAL, KUNGSHOLMEN)
    c.send(kungs_c, _SV.COUNSELLING, day=2, respond_in=5)
    c.received(2).accepted(4).treated(kungs_c, _K.COUNSELLING, 5).treatment_ended(22)
    c.completed(22, t.ReferralOutcome.GOALS_MET, "Counselling finished as planned")

    kista_d = (KISTA, "kista-client-d")
    d = Loop(month, "kista-d", KISTA, CENTRAL, KISTA)
    d.send(kista_d, _SV.SUBSTANCE_TREATMENT, day=12, respond_in=5)
    d.received(13).accepted(14).treated(kista_d, _K.SUBSTANCE_TREATMENT, 17)

    e = Loop(month, "farsta-e", FARSTA, CENTRAL, FARSTA)
    e.send((FARSTA, "farsta-client-e"), _SV.COUNSELLING, day=10, respond_in=2, urgency=_U.URGENT)
    e.received(10).step(
        "declined",
        t.ReferralDeclined(
            referral_id=e.referral_id,
            declined_by=CENTRAL,
            reason=t.DeclineReason.NO_CAPACITY,
            explanation="The counselling group is full until next term; a waiting place is offered",
        ),
        12,
    )

    f = Loop(month, "skarh-f", SKARHOLMEN, CENTRAL, SKARHOLMEN)
    skarh_f = (SKARHOLMEN, "skarholmen-client-f")
    f.send(skarh_f, _SV.EXIT_SUPPORT, day=11, respond_in=5).received(12)
    f.step(
        "withdrawn",
        t.ReferralWithdrawn(
            referral_id=f.referral_id,
            withdrawn_by=SKARHOLMEN,
            explanation="The person moved to another municipality",
        ),
        15,
        by_sender=True,
    )
    f.step(
        "consent-revoked",
        t.ConsentRevoked(
            consent_id=month.id("consent/skarh-f"),
            subject_ref=month.subject(*skarh_f),
            revoked_on=month.date(16),
            recorded_by=SKARHOLMEN,
        ),
        16,
        by_sender=True,
    )

    g = Loop(month, "kungs-g", KUNGSHOLMEN, CENTRAL, KUNGSHOLMEN)
    g.send(
        (KUNGSHOLMEN, "kungsholmen-client-g"),
        _SV.PROTECTION,
        day=18,
        respond_in=2,
        urgency=_U.URGENT,
        reason="Met at the hotel operation; afraid of a partner",
    )

    h = Loop(month, "central-h", CENTRAL, KISTA, KISTA)
    h.send(
        (CENTRAL, "field-alias-h"),
        _SV.HOUSING,
        day=20,
        respond_in=4,
        reason="Met in the field; homeless and asks for housing support in Kista",
    )
    h.received(21)

    i = Loop(month, "rinkeby-i", RINKEBY, KUNGSHOLMEN, RINKEBY)
    i.send(
        (RINKEBY, "rinkeby-client-i"),
        _SV.INVESTIGATION,
        day=28,
        respond_in=4,
        urgency=_U.URGENT,
        basis=t.LegalBasis.SOL_CHILD_CONCERN,
        reason="Girl of 16 has moved to Kungsholmen; signs of sexual exploitation",
    )
