"""Who may publish which event: one table, checked on the server for every event.

A rule lists the writers of one event family (the type without its version). A writer is
a realm role together with the organisations that may hold it for this event:

* ``own_district``: a district council, only about itself (``district`` = its own code);
* ``central``: the social services committee (socialtjanst), for any district;
* ``school``: the education committee (utbildning), for any district;
* ``housing``: a housing company, for any district.

Operators and auditors hold none of the writer roles, so they write nothing. Checks that
need state (only the receiver of a referral decides on it, only its sender withdraws it)
are made by the owning service's use case on top of this table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from samverkan_common.auth import Principal
from samverkan_common.problems import Forbidden
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import CloudEvent
from samverkan_contracts.organisations import OrganisationKind, load_organisations
from samverkan_contracts.registry import TYPE_PREFIX

CENTRAL_UNIT = "socialtjanst"
SCHOOLS = "utbildning"

OrgMatch = Callable[[str, str], bool]
"""(actor organisation, event district) -> may this organisation write it."""


def _kind(code: str) -> OrganisationKind | None:
    org = load_organisations().get(code)
    return org.kind if org else None


def own_district(actor: str, district: str) -> bool:
    return _kind(actor) is OrganisationKind.DISTRICT and actor == district


def central(actor: str, _district: str) -> bool:
    return actor == CENTRAL_UNIT


def school(actor: str, _district: str) -> bool:
    return actor == SCHOOLS


def housing(actor: str, _district: str) -> bool:
    return _kind(actor) is OrganisationKind.COMPANY


@dataclass(frozen=True, slots=True)
class Writer:
    """Holders of ``roles`` (any one of them) in an organisation that ``orgs`` accepts."""

    roles: frozenset[str]
    orgs: OrgMatch


def _writer(orgs: OrgMatch, *roles: str) -> Writer:
    return Writer(frozenset(roles), orgs)


DISTRICT_STAFF = _writer(own_district, "caseworker", "district-manager")
DISTRICT_MANAGER = _writer(own_district, "district-manager")
SPECIALIST = _writer(central, "specialist")
TRAFFICKING_SPECIALIST = _writer(central, "trafficking-specialist")
SCHOOL_STAFF = _writer(school, "school-staff")
HOUSING_REPORTER = _writer(housing, "housing-reporter")

#: A referral's receiver, whoever it is, records its decisions on it (the treatment service
#: checks that the caller is the receiver): districts, the central unit, a school, a company.
RECEIVERS = (DISTRICT_STAFF, SPECIALIST, SCHOOL_STAFF, HOUSING_REPORTER)

_PLAN_AREAS = ("holistic", "prevention", "outreach", "treatment", "trafficking")

RULES: Mapping[str, tuple[Writer, ...]] = MappingProxyType(
    {
        "prevention.activity.held": (DISTRICT_STAFF, SCHOOL_STAFF, SPECIALIST),
        "prevention.training.requested": (DISTRICT_STAFF,),
        "prevention.training.delivered": (SPECIALIST,),
        "outreach.contact.made": (DISTRICT_STAFF, SPECIALIST),
        "outreach.arena.observed": (DISTRICT_STAFF, SPECIALIST),
        "outreach.joint_operation.planned": (DISTRICT_STAFF, SPECIALIST),
        "outreach.joint_operation.completed": (DISTRICT_STAFF, SPECIALIST),
        "outreach.housing_signal.reported": (HOUSING_REPORTER,),
        "treatment.referral.sent": (DISTRICT_STAFF, SPECIALIST),
        "treatment.referral.received": RECEIVERS,
        "treatment.referral.accepted": RECEIVERS,
        "treatment.referral.declined": RECEIVERS,
        "treatment.referral.completed": RECEIVERS,
        "treatment.referral.withdrawn": (DISTRICT_STAFF, SPECIALIST),
        "treatment.consultation.requested": (DISTRICT_STAFF,),
        "treatment.consultation.answered": (SPECIALIST,),
        "treatment.consultation.closed": (DISTRICT_STAFF,),
        "treatment.episode.started": (DISTRICT_STAFF, SPECIALIST),
        "treatment.episode.ended": (DISTRICT_STAFF, SPECIALIST),
        "treatment.housing.offered": (HOUSING_REPORTER, DISTRICT_STAFF, SPECIALIST),
        "treatment.consent.recorded": (DISTRICT_STAFF, SPECIALIST),
        "treatment.consent.revoked": (DISTRICT_STAFF, SPECIALIST),
        "trafficking.suspicion.registered": (TRAFFICKING_SPECIALIST,),
        "trafficking.police_report.filed": (TRAFFICKING_SPECIALIST,),
        "trafficking.protection.arranged": (TRAFFICKING_SPECIALIST,),
        "trafficking.reflection_period.granted": (TRAFFICKING_SPECIALIST,),
        "trafficking.case.closed": (TRAFFICKING_SPECIALIST,),
        **{f"{area}.plan.updated": (DISTRICT_MANAGER,) for area in _PLAN_AREAS},
    }
)


def family(event_type: str) -> str:
    """``se.stockholm.samverkan.treatment.referral.sent.v1`` -> ``treatment.referral.sent``."""
    return event_type.removeprefix(TYPE_PREFIX).rpartition(".")[0]


def may_write(principal: Principal, event_type: str, district: str) -> bool:
    """Whether the caller may publish an event of this type about this district."""
    writers = RULES.get(family(event_type), ())
    return any(
        w.roles & principal.realm_roles and w.orgs(principal.organisation, district)
        for w in writers
    )


def authorize(principal: Principal, event: CloudEvent[EventData]) -> None:
    """Raise 403 unless the caller may publish this event."""
    if not may_write(principal, event.type, event.district):
        raise Forbidden(
            f"{principal.organisation} may not publish {family(event.type)} "
            f"about {event.district} with its roles"
        )
