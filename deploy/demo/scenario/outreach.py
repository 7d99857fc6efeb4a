"""Outreach: the field and online contacts of the districts and the central unit, a
person met four times in Rinkeby whom nobody has referred anywhere, the central unit's
count of online ads in every district, a joint hotel operation in Kungsholmen (planned
and carried out) and one planned in Farsta, and a housing company's signals."""

from __future__ import annotations

from deploy.demo.scenario.kit import (
    CENTRAL,
    DAYS,
    DISTRICTS,
    FARSTA,
    HOUSING,
    KISTA,
    KUNGSHOLMEN,
    RINKEBY,
    SKARHOLMEN,
    Month,
    active_districts,
)
from samverkan_contracts.base import AgeBand
from samverkan_contracts.events import outreach as o

_A, _N, _B, _I = o.Arena, o.Need, AgeBand, o.HousingIndicator
_ARENAS = (_A.INTERNET, _A.STREET, _A.OTHER, _A.HOTEL, _A.MASSAGE_PARLOUR)
_BANDS = (_B.AGE_18_24, _B.AGE_25_34, _B.AGE_16_17, _B.AGE_35_49, _B.UNKNOWN)
_NEEDS: tuple[tuple[o.Need, ...], ...] = (
    (_N.HEALTH_CARE,),
    (),
    (_N.HOUSING, _N.FINANCIAL_SUPPORT),
    (_N.SEXUAL_HEALTH,),
    (_N.EXIT_SUPPORT, _N.INTERPRETER),
)

#: Whom nobody has referred: met in Rinkeby four times this month (an alert's case).
UNREFERRED = (CENTRAL, "field-alias-lina")
#: Met twice by Kista before Kista refers her (see the treatment part).
KISTA_CLIENT = (KISTA, "kista-client-a")


def _contact(  # noqa: PLR0913 - one keyword per field that varies
    month: Month,
    key: str,
    *,
    by: str,
    about: str,
    day: int,
    hour: int,
    arena: o.Arena,
    band: AgeBand,
    needs: tuple[o.Need, ...] = (),
    person: tuple[str, str] | None = None,
    people: int = 1,
) -> None:
    month.add(
        o.ContactMade(
            contact_id=month.id(f"contact/{key}"),
            contacted_at=month.at(day, hour),
            arena=arena,
            subject_ref=month.subject(*person) if person else None,
            anonymous_count=None if person else people,
            age_band=band,
            needs_identified=needs,
        ),
        key=f"contact/{key}",
        by=by,
        about=about,
        when=month.at(day, hour, 20),
    )


def add_contacts(month: Month) -> None:
    for i, district in enumerate(DISTRICTS):
        for k in range(4):
            n = i + k
            _contact(
                month,
                f"{district}/{k}",
                by=district,
                about=district,
                day=1 + (i * 5 + k * 7) % 29,
                hour=14 + n % 8,
                arena=_ARENAS[n % 4],
                band=_BANDS[n % 5],
                needs=_NEEDS[n % 5],
                people=1 + n % 3,
            )
    for k in range(12):
        district = DISTRICTS[k % len(DISTRICTS)]
        _contact(
            month,
            f"field/{k}",
            by=CENTRAL,
            about=district,
            day=2 + (k * 5) % 28,
            hour=21 + k % 3,
            arena=_ARENAS[1 + k % 4],
            band=_BANDS[k % 5],
            needs=_NEEDS[(k + 2) % 5],
            people=1 + k % 4,
        )
    for k, (by, day, hour, arena) in enumerate(
        (
            (CENTRAL, 3, 22, _A.STREET),
            (RINKEBY, 9, 14, _A.INTERNET),
            (CENTRAL, 17, 23, _A.STREET),
            (RINKEBY, 25, 15, _A.INTERNET),
        )
    ):
        _contact(
            month,
            f"unreferred/{k}",
            by=by,
            about=RINKEBY,
            day=day,
            hour=hour,
            arena=arena,
            band=_B.AGE_18_24,
            needs=(_N.HOUSING, _N.HEALTH_CARE),
            person=UNREFERRED,
        )
    for k, (day, arena) in enumerate(((1, _A.INTERNET), (2, _A.STREET))):
        _contact(
            month,
            f"kista-client/{k}",
            by=KISTA,
            about=KISTA,
            day=day,
            hour=16 + k * 5,
            arena=arena,
            band=_B.AGE_25_34,
            needs=(_N.EXIT_SUPPORT, _N.HOUSING),
            person=KISTA_CLIENT,
        )


def add_observations(month: Month) -> None:
    for i, district in enumerate(active_districts()):
        month.add(
            o.ArenaObserved(
                observation_id=month.id(f"ads/{district}"),
                arena=_A.INTERNET,
                period_start=month.date(1),
                period_end=month.date(DAYS),
                unit=o.ObservationUnit.ONLINE_ADS,
                observed_count=4 + (i * 7) % 23,
                note="Daily sample of two escort sites, ads naming the district",
            ),
            key=f"ads/{district}",
            by=CENTRAL,
            about=district,
            when=month.at(DAYS, 10, i),
        )
    for district, arena, unit, count in (
        (KUNGSHOLMEN, _A.HOTEL, o.ObservationUnit.VENUES, 6),
        (FARSTA, _A.STREET, o.ObservationUnit.PEOPLE_SEEN, 3),
    ):
        month.add(
            o.ArenaObserved(
                observation_id=month.id(f"observation/{district}"),
                arena=arena,
                period_start=month.date(1),
                period_end=month.date(DAYS - 2),
                unit=unit,
                observed_count=count,
            ),
            key=f"observation/{district}",
            by=district,
            about=district,
            when=month.at(DAYS - 1, 11),
        )


def add_operations(month: Month) -> None:
    hotels = month.flow("operation/hotels")
    hotels.then(
        "planned",
        o.JointOperationPlanned(
            operation_id=month.id("operation/hotels"),
            planned_for=month.date(16),
            arena=_A.HOTEL,
            participants=(CENTRAL, KUNGSHOLMEN),
            purpose="Hotel outreach during a trade fair week",
        ),
        by=CENTRAL,
        about=KUNGSHOLMEN,
        when=month.at(6, 10),
    )
    for k in range(3):
        _contact(
            month,
            f"hotels/{k}",
            by=CENTRAL,
            about=KUNGSHOLMEN,
            day=16,
            hour=20 + k,
            arena=_A.HOTEL,
            band=_BANDS[k],
            needs=_NEEDS[k + 2],
            people=1 + k,
        )
    hotels.then(
        "completed",
        o.JointOperationCompleted(
            operation_id=month.id("operation/hotels"),
            completed_on=month.date(16),
            contacts_made=7,
            referrals_made=1,
            note="Most contacts came through hotel staff; one person asked for support",
        ),
        by=KUNGSHOLMEN,
        about=KUNGSHOLMEN,
        when=month.at(17, 9),
    )
    month.add(
        o.JointOperationPlanned(
            operation_id=month.id("operation/metro"),
            planned_for=month.date(DAYS + 6),
            arena=_A.STREET,
            participants=(FARSTA, CENTRAL, SKARHOLMEN),
            purpose="Evening street outreach along the southern metro line",
        ),
        key="operation/metro/planned",
        by=FARSTA,
        about=FARSTA,
        when=month.at(22, 13),
    )


def add_housing_signals(month: Month) -> None:
    for k, (district, day, property_ref, indicators) in enumerate(
        (
            (RINKEBY, 4, "FB-RB-17A", (_I.MANY_SHORT_VISITS,)),
            (KISTA, 9, "FB-KI-22B", (_I.UNAUTHORISED_SUBLETTING, _I.NEIGHBOUR_REPORTS)),
            (RINKEBY, 12, "FB-RB-03C", (_I.ADVERTISEMENT_LINKED_TO_ADDRESS,)),
            (RINKEBY, 21, "FB-RB-17A", (_I.MANY_SHORT_VISITS, _I.NEIGHBOUR_REPORTS)),
        )
    ):
        month.add(
            o.HousingSignalReported(
                signal_id=month.id(f"signal/{k}"),
                reported_by=HOUSING,
                property_ref=property_ref,
                indicators=indicators,
                observed_on=month.date(day - 1),
            ),
            key=f"signal/{k}",
            by=HOUSING,
            about=district,
            when=month.at(day, 10),
        )
