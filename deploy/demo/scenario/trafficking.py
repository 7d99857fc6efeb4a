"""Two trafficking cases, published by the central unit's trafficking specialists: one in
Kungsholmen still open (protection, police report, reflection period) and one in Rinkeby
about a minor, closed when the prosecution began."""

from __future__ import annotations

from deploy.demo.scenario.kit import CENTRAL, KUNGSHOLMEN, RINKEBY, Flow, Month
from samverkan_contracts.base import AgeBand
from samverkan_contracts.events import trafficking as tr

_I = tr.TraffickingIndicator


def _opened(month: Month, district: str, suspicion: tr.SuspicionRegistered, day: int) -> Flow:
    case = month.flow(f"case/{district}")
    return case.then("suspicion", suspicion, by=CENTRAL, about=district, when=month.at(day, 10))


def add_cases(month: Month) -> None:
    case_id = month.id(f"case/{KUNGSHOLMEN}")
    suspicion = tr.SuspicionRegistered(
        case_id=case_id,
        subject_ref=month.subject(CENTRAL, "trafficking-alias-k"),
        indicators=(_I.DEBT_BONDAGE, _I.DOCUMENTS_TAKEN, _I.MOVED_BETWEEN_LOCATIONS),
        origin=tr.CoarseOrigin.EU_EEA,
        age_band=AgeBand.AGE_18_24,
    )
    case = _opened(month, KUNGSHOLMEN, suspicion, 5)
    case.then(
        "protection",
        tr.ProtectionArranged(
            case_id=case_id,
            arranged_by=CENTRAL,
            kind=tr.ProtectionKind.SAFE_HOUSING,
            arranged_on=month.date(5),
        ),
        by=CENTRAL,
        about=KUNGSHOLMEN,
        when=month.at(5, 15),
    )
    case.then(
        "police-report",
        tr.PoliceReportFiled(case_id=case_id, filed_by=CENTRAL, filed_on=month.date(6)),
        by=CENTRAL,
        about=KUNGSHOLMEN,
        when=month.at(6, 9),
    )
    case.then(
        "reflection",
        tr.ReflectionPeriodGranted(
            case_id=case_id, valid_from=month.date(12), valid_until=month.date(12 + 29)
        ),
        by=CENTRAL,
        about=KUNGSHOLMEN,
        when=month.at(12, 14),
    )

    case_id = month.id(f"case/{RINKEBY}")
    suspicion = tr.SuspicionRegistered(
        case_id=case_id,
        indicators=(_I.MINOR, _I.ADVERTISED_BY_OTHERS, _I.CONTROLLED_BY_OTHERS),
        origin=tr.CoarseOrigin.AFRICA,
        age_band=AgeBand.AGE_16_17,
    )
    case = _opened(month, RINKEBY, suspicion, 9)
    case.then(
        "police-report",
        tr.PoliceReportFiled(case_id=case_id, filed_by=CENTRAL, filed_on=month.date(9)),
        by=CENTRAL,
        about=RINKEBY,
        when=month.at(9, 16),
    )
    case.then(
        "protection",
        tr.ProtectionArranged(
            case_id=case_id,
            arranged_by=CENTRAL,
            kind=tr.ProtectionKind.ESCORT,
            arranged_on=month.date(10),
        ),
        by=CENTRAL,
        about=RINKEBY,
        when=month.at(10, 8),
    )
    case.then(
        "closed",
        tr.TraffickingCaseClosed(
            case_id=case_id, closed_on=month.date(29), outcome=tr.CaseOutcome.PROSECUTION_INITIATED
        ),
        by=CENTRAL,
        about=RINKEBY,
        when=month.at(29, 15),
    )
