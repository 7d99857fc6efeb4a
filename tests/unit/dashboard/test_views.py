"""What the pages show, made from the API's answers; who is offered which page; sessions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dashboard import lag, views
from dashboard.access import Page, Person
from dashboard.sessions import SessionStore, Tokens

from samverkan_common.auth import Principal
from samverkan_contracts.organisations import OrganisationKind, load_organisations


def row(district: str, activity: dict[str, int | None]) -> dict[str, object]:
    return {
        "district": district,
        "areas": {
            area: {"plan": "adopted", "plan_next_review_on": None, "activity_30d": n}
            for area, n in activity.items()
        },
    }


def test_the_matrix_follows_the_organisations_data_and_shades_by_activity() -> None:
    overview = {"districts": [row("farsta", {"prevention": 1000}), row("rinkeby", {"outreach": 3})]}
    matrix = views.matrix(overview)
    assert [r.district for r in matrix] == ["rinkeby", "farsta"]  # the data file's order
    rinkeby, farsta = matrix
    assert [c.area for c in rinkeby.cells] == list(views.AREAS)
    heat = {c.area: c.heat for c in rinkeby.cells} | {"farsta": farsta.cells[1].heat}
    assert heat["farsta"] == views.HEAT_LEVELS
    assert heat["outreach"] >= 1  # small but visible next to a very busy cell
    assert heat["holistic"] == 0
    assert rinkeby.cells[0].plan == "none"  # no cell from the API: no plan


def test_districts_come_from_the_data() -> None:
    expected = [o.code for o in load_organisations().of_kind(OrganisationKind.DISTRICT)]
    assert views.district_codes() == expected
    assert len(expected) == 18


def test_the_board_puts_overdue_first_then_the_nearest_deadline() -> None:
    items = [
        {"referral_id": "a", "status": "sent", "overdue": False, "deadline": "2026-01-02"},
        {"referral_id": "b", "status": "received", "overdue": True, "deadline": "2026-02-01"},
        {"referral_id": "c", "status": "sent", "overdue": False, "deadline": "2026-01-01"},
        {"referral_id": "d", "status": "completed", "overdue": False, "closed": True},
    ]
    ordered, counts = views.board(items)
    assert [i["referral_id"] for i in ordered] == ["b", "c", "a", "d"]
    assert counts == {"sent": 2, "received": 1, "completed": 1}


def test_alert_links_become_dashboard_pages() -> None:
    ref = "subj_" + "a" * 52
    uid = "0b7e3a52-6d7e-4b8c-9d1e-2f3a4b5c6d7e"
    assert views.page_link(f"/referrals/{uid}") == f"/referrals/{uid}"
    assert views.page_link(f"/consultations/{uid}") == f"/consultations/{uid}"
    assert views.page_link("/overview?district=kista") == "/districts/kista"
    assert views.page_link(f"/subjects/{ref}/journey") == f"/journey?subject={ref}"
    assert views.page_link("https://elsewhere.example/") is None
    groups = views.alert_groups(
        [
            {"kind": "plan_missing", "links": {"overview": "/overview?district=kista"}},
            {"kind": "referral_unacknowledged", "links": {"referral": f"/referrals/{uid}"}},
        ]
    )
    assert [g.kind for g in groups] == ["referral_unacknowledged", "plan_missing"]
    assert groups[1].alerts[0]["links"] == {"overview": "/districts/kista"}


@pytest.mark.parametrize(
    ("period", "months"),
    [
        ("2026", [f"2026-{m:02d}" for m in range(1, 13)]),
        ("2026-Q2", ["2026-04", "2026-05", "2026-06"]),
        ("2026-03", ["2026-03"]),
    ],
)
def test_a_period_spans_its_months(period: str, months: list[str]) -> None:
    assert views.months_of(period) == months


def person(org: str, *roles: str) -> Person:
    principal = Principal(
        subject="s",
        client_id="samverkan-dashboard",
        username="someone",
        organisation=org,
        realm_roles=frozenset(roles),
        expires_at=datetime.now(UTC),
    )
    return Person(principal=principal, name="Someone")


def test_each_role_is_offered_its_own_pages() -> None:
    case = [Page.OVERVIEW, Page.REFERRALS, Page.CONSULTATIONS, Page.ALERTS]
    assert person("socialtjanst", "specialist").pages() == [*case, Page.JOURNEY, Page.INDICATORS]
    assert person("kungsholmen", "caseworker").pages() == [*case, Page.INDICATORS]
    assert person("socialtjanst", "operator").pages() == [Page.INDICATORS, Page.OPERATIONS]
    assert person("socialtjanst", "auditor").pages() == [Page.INDICATORS, Page.AUDIT]
    assert person("socialtjanst", "operator").home() is Page.OPERATIONS
    assert person("socialtjanst", "auditor").home() is Page.AUDIT
    assert person("kungsholmen", "caseworker").home() is Page.OVERVIEW
    assert person("socialtjanst").home() is None


def test_the_district_scope_is_the_platforms_rule() -> None:
    assert person("socialtjanst", "specialist").districts() is None
    assert person("kungsholmen", "caseworker").districts() == ["kungsholmen"]
    assert person("socialtjanst", "operator").districts() == []


def test_an_idle_session_ends() -> None:
    now = [1000.0]
    store = SessionStore(idle_seconds=60, clock=lambda: now[0])
    session = store.create(person("kungsholmen", "caseworker"), Tokens("token", now[0] + 300))
    now[0] += 59
    assert store.get(session.id) is session
    now[0] += 59  # touched above, so still within the idle time
    assert store.get(session.id) is session
    now[0] += 61
    assert store.get(session.id) is None
    assert len(store) == 0
    assert store.get(None) is None
    assert store.get(session.id + "x") is None


def test_lag_is_read_from_the_coordination_metrics() -> None:
    metrics = (
        "# HELP samverkan_consumer_lag Records not yet applied, per topic partition.\n"
        "# TYPE samverkan_consumer_lag gauge\n"
        'samverkan_consumer_lag{partition="1",topic="samverkan.treatment.v1"} 7.0\n'
        'samverkan_consumer_lag{partition="0",topic="samverkan.treatment.v1"} 0.0\n'
        "# TYPE samverkan_outbox_backlog gauge\n"
        "samverkan_outbox_backlog 3.0\n"
    )
    assert lag.consumer_lag(metrics) == [
        lag.PartitionLag("samverkan.treatment.v1", 0, 0),
        lag.PartitionLag("samverkan.treatment.v1", 1, 7),
    ]
    assert lag.consumer_lag("") == []
