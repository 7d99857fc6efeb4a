"""The authorisation matrix: every kind of organisation and role x every event family.

The expectations below are written from the issue's rules, independently of the table in
samverkan_common.authz, so that a change to either shows up here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from samverkan_common.auth import Principal
from samverkan_common.authz import RULES, family, may_write
from samverkan_contracts.registry import EVENT_TYPES


def principal(org: str, *roles: str) -> Principal:
    return Principal(
        subject="s",
        client_id="c",
        username=None,
        organisation=org,
        realm_roles=frozenset(roles),
        expires_at=datetime.now(UTC),
    )


ACTORS = {
    "caseworker": principal("kungsholmen", "caseworker"),
    "manager": principal("kungsholmen", "caseworker", "district-manager"),
    "specialist": principal("socialtjanst", "specialist"),
    "trafficking": principal("socialtjanst", "specialist", "trafficking-specialist"),
    "school": principal("utbildning", "school-staff"),
    "housing": principal("familjebostader", "housing-reporter"),
    "operator": principal("socialtjanst", "operator"),
    "auditor": principal("socialtjanst", "auditor"),
    "system-only": principal("kungsholmen", "system"),
    # a role held in the wrong kind of organisation grants nothing
    "school-role-in-district": principal("kungsholmen", "school-staff"),
    "specialist-role-in-district": principal("kungsholmen", "specialist", "trafficking-specialist"),
}

DISTRICT = {"caseworker", "manager"}
CENTRAL = {"specialist", "trafficking"}
PLAN = {"manager"}
TRAFFICKING = {"trafficking"}
#: whoever receives a referral records its decisions (the treatment service checks who it is)
RECEIVER = DISTRICT | CENTRAL | {"school", "housing"}

#: family -> who may publish it about their own district (kungsholmen)
ALLOWED: dict[str, set[str]] = {
    "prevention.activity.held": DISTRICT | CENTRAL | {"school"},
    "prevention.training.requested": DISTRICT,
    "prevention.training.delivered": CENTRAL,
    "outreach.contact.made": DISTRICT | CENTRAL,
    "outreach.arena.observed": DISTRICT | CENTRAL,
    "outreach.joint_operation.planned": DISTRICT | CENTRAL,
    "outreach.joint_operation.completed": DISTRICT | CENTRAL,
    "outreach.housing_signal.reported": {"housing"},
    "treatment.referral.sent": DISTRICT | CENTRAL,
    "treatment.referral.received": RECEIVER,
    "treatment.referral.accepted": RECEIVER,
    "treatment.referral.declined": RECEIVER,
    "treatment.referral.completed": RECEIVER,
    "treatment.referral.withdrawn": DISTRICT | CENTRAL,
    "treatment.consultation.requested": DISTRICT,
    "treatment.consultation.answered": CENTRAL,
    "treatment.consultation.closed": DISTRICT,
    "treatment.episode.started": DISTRICT | CENTRAL,
    "treatment.episode.ended": DISTRICT | CENTRAL,
    "treatment.housing.offered": DISTRICT | CENTRAL | {"housing"},
    "treatment.consent.recorded": DISTRICT | CENTRAL,
    "treatment.consent.revoked": DISTRICT | CENTRAL,
    "trafficking.suspicion.registered": TRAFFICKING,
    "trafficking.police_report.filed": TRAFFICKING,
    "trafficking.protection.arranged": TRAFFICKING,
    "trafficking.reflection_period.granted": TRAFFICKING,
    "trafficking.case.closed": TRAFFICKING,
    "holistic.plan.updated": PLAN,
    "prevention.plan.updated": PLAN,
    "outreach.plan.updated": PLAN,
    "treatment.plan.updated": PLAN,
    "trafficking.plan.updated": PLAN,
    # erasure requests are taken by the coordination service, never by a domain service
    "privacy.erasure.requested": set(),
}

TYPES = sorted(EVENT_TYPES)


def test_every_registered_family_has_an_expectation_and_a_rule() -> None:
    families = {family(t) for t in TYPES}
    assert families == set(ALLOWED)
    assert set(RULES) == families - {"privacy.erasure.requested"}


@pytest.mark.parametrize("event_type", TYPES)
@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_own_district(event_type: str, actor: str) -> None:
    expected = actor in ALLOWED[family(event_type)]
    assert may_write(ACTORS[actor], event_type, "kungsholmen") is expected


@pytest.mark.parametrize("event_type", TYPES)
@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_other_district(event_type: str, actor: str) -> None:
    """A district never writes about another district; the others' rights do not change."""
    expected = actor in ALLOWED[family(event_type)] - DISTRICT
    assert may_write(ACTORS[actor], event_type, "rinkeby") is expected
