"""The trafficking service on the real stack: restricted cases, their course, plans."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from samverkan_contracts.base import AgeBand, EventData
from samverkan_contracts.envelope import CloudEvent, from_kafka, new_event
from samverkan_contracts.events.plans import PlanStatus, TraffickingPlanUpdated
from samverkan_contracts.events.trafficking import (
    CaseOutcome,
    CoarseOrigin,
    PoliceReportFiled,
    ProtectionArranged,
    ProtectionKind,
    ReflectionPeriodGranted,
    SuspicionRegistered,
    TraffickingCaseClosed,
    TraffickingIndicator,
)
from samverkan_contracts.subjects import subject_ref_from_local_id
from tests.support.events import local_id
from tests.support.harness import (
    Tokens,
    TopicReader,
    get,
    headers_of,
    outbox_rows,
    post,
    records_of,
)

TOPIC = "samverkan.trafficking.v1"
TODAY = datetime.now(UTC).date()


def event(data: EventData, district: str = "norrmalm") -> CloudEvent[EventData]:
    source = "/tests/socialtjanst/trafficking"
    return new_event(data, source=source, district=district, actororg="socialtjanst")


def suspicion(case_id: uuid.UUID | None = None) -> SuspicionRegistered:
    return SuspicionRegistered(
        case_id=case_id or uuid.uuid4(),
        subject_ref=subject_ref_from_local_id("socialtjanst", local_id(), os.urandom(32)),
        indicators=(TraffickingIndicator.DEBT_BONDAGE, TraffickingIndicator.DOCUMENTS_TAKEN),
        origin=CoarseOrigin.EU_EEA,
        age_band=AgeBand.AGE_18_24,
    )


def course(case_id: uuid.UUID) -> list[EventData]:
    """Every step after the suspicion, closing last, the middle ones in an unusual order."""
    until = TODAY + timedelta(days=30)
    return [
        ReflectionPeriodGranted(case_id=case_id, valid_from=TODAY, valid_until=until),
        ProtectionArranged(
            case_id=case_id,
            arranged_by="socialtjanst",
            kind=ProtectionKind.SAFE_HOUSING,
            arranged_on=TODAY,
        ),
        PoliceReportFiled(case_id=case_id, filed_by="socialtjanst", filed_on=TODAY),
        TraffickingCaseClosed(
            case_id=case_id, closed_on=TODAY, outcome=CaseOutcome.RESIDENCE_PERMIT
        ),
    ]


async def detail(client: httpx.AsyncClient, token: str, case_id: uuid.UUID) -> dict[str, Any]:
    response = await get(client, token, f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_suspicion_opens_a_case_that_lands_once_on_the_topic(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    registered = suspicion()
    sent = event(registered)
    token = await tokens.person("tove.trafficking")
    start = await reader.end_offsets()

    first = await post(client, token, sent)
    again = await post(client, token, sent)

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() == {"accepted": [str(sent.id)]}
    [record] = await records_of(reader, pool, start, sent.id)
    assert record.topic == TOPIC
    assert record.key == str(registered.case_id).encode()
    headers = headers_of(record)
    assert headers["ce_id"] == str(sent.id)
    assert headers["ce_type"] == "se.stockholm.samverkan.trafficking.suspicion.registered.v1"
    assert headers["ce_actororg"] == "socialtjanst"
    assert headers["ce_district"] == "norrmalm"
    assert headers["ce_sensitivity"] == "restricted"
    assert from_kafka(record.key, record.value, record.headers) == sent

    case = await detail(client, token, registered.case_id)
    assert (case["status"], case["district"], case["subject_ref"]) == (
        "open",
        "norrmalm",
        registered.subject_ref,
    )
    assert [s["step"] for s in case["steps"]] == ["suspicion_registered"]
    listed = await get(client, token, "/cases", status="open")
    assert str(registered.case_id) in {c["case_id"] for c in listed.json()}


async def test_a_case_runs_its_course_and_then_refuses_steps(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    registered = suspicion()
    token = await tokens.machine("socialtjanst")
    assert (await post(client, token, event(registered))).status_code == 202
    steps = [event(data) for data in course(registered.case_id)]
    start = await reader.end_offsets()

    for step in steps:
        response = await post(client, token, step)
        assert response.status_code == 202, response.text

    for step in steps:
        [record] = await records_of(reader, pool, start, step.id)
        assert record.key == str(registered.case_id).encode()
    case = await detail(client, token, registered.case_id)
    assert (case["status"], case["outcome"], case["closed_on"]) == (
        "closed",
        "residence_permit",
        TODAY.isoformat(),
    )
    assert {s["step"] for s in case["steps"]} == {
        "suspicion_registered",
        "reflection_period_granted",
        "protection_arranged",
        "police_report_filed",
        "case_closed",
    }
    assert all("subject_ref" not in s["details"] for s in case["steps"])

    for data in [*course(registered.case_id), suspicion(registered.case_id)]:
        refused = event(data)
        response = await post(client, token, refused)
        assert response.status_code == 409, response.text
        assert response.json()["current_state"] == "closed"
        assert await outbox_rows(pool, refused.id) == 0


async def test_a_step_on_an_unknown_case_names_its_state(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    token = await tokens.machine("socialtjanst")
    for data in course(uuid.uuid4()):
        refused = event(data)
        response = await post(client, token, refused)
        assert response.status_code == 409
        assert response.json()["current_state"] == "unknown"
        assert "unknown" in response.json()["detail"]
        assert await outbox_rows(pool, refused.id) == 0


async def test_registering_an_open_case_again_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = await tokens.machine("socialtjanst")
    registered = suspicion()
    assert (await post(client, token, event(registered))).status_code == 202
    response = await post(client, token, event(suspicion(registered.case_id)))
    assert response.status_code == 409
    assert response.json()["current_state"] == "open"


async def test_a_specialist_without_the_trafficking_role_neither_posts_nor_reads(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    registered = suspicion()
    assert (
        await post(client, await tokens.machine("socialtjanst"), event(registered))
    ).status_code == 202
    anna = await tokens.person("anna.specialist")

    refused = event(suspicion())
    assert (await post(client, anna, refused)).status_code == 403
    assert await outbox_rows(pool, refused.id) == 0
    assert (await get(client, anna, "/cases")).status_code == 403
    assert (await get(client, anna, f"/cases/{registered.case_id}")).status_code == 403
    district = await tokens.machine("norrmalm")
    assert (await get(client, district, "/cases")).status_code == 403
    assert (await get(client, district, f"/cases/{registered.case_id}")).status_code == 403


async def test_an_unknown_case_is_not_found_for_a_specialist(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await get(client, await tokens.person("tove.trafficking"), f"/cases/{uuid.uuid4()}")
    assert response.status_code == 404


async def test_trafficking_plans_are_not_restricted(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    plan = TraffickingPlanUpdated(
        plan_id=uuid.uuid4(),
        revision=1,
        title="Kungsholmen plan against human trafficking 2026",
        status=PlanStatus.DRAFT,
        next_review_on=date(2027, 1, 31),
    )
    sent = new_event(
        plan, source="/tests/kungsholmen/plans", district="kungsholmen", actororg="kungsholmen"
    )
    start = await reader.end_offsets()

    assert (await post(client, await tokens.person("david.kungsholmen"), sent)).status_code == 202
    [record] = await records_of(reader, pool, start, sent.id)
    assert (record.key, headers_of(record)["ce_sensitivity"]) == (
        str(plan.plan_id).encode(),
        "normal",
    )

    plans = await get(client, await tokens.person("karin.kungsholmen"), "/plans")
    assert str(plan.plan_id) in {p["plan_id"] for p in plans.json()}
    older = new_event(
        plan, source="/tests/kungsholmen/plans", district="kungsholmen", actororg="kungsholmen"
    )
    conflict = await post(client, await tokens.person("david.kungsholmen"), older)
    assert (conflict.status_code, conflict.json()["current_state"]) == (409, "revision 1")


async def test_a_step_about_another_district_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = await tokens.machine("socialtjanst")
    registered = suspicion()
    assert (await post(client, token, event(registered, "norrmalm"))).status_code == 202
    report = PoliceReportFiled(case_id=registered.case_id, filed_by="socialtjanst", filed_on=TODAY)
    response = await post(client, token, event(report, "kista"))
    assert (response.status_code, response.json()["current_state"]) == (409, "open")


async def test_a_whole_course_in_one_batch_is_applied_and_published_in_order(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    registered = suspicion()
    batch = [event(registered), *(event(data) for data in course(registered.case_id))]
    token = await tokens.machine("socialtjanst")
    start = await reader.end_offsets()

    first = await post(client, token, *batch)
    again = await post(client, token, *batch)

    assert first.status_code == again.status_code == 202, first.text
    assert first.json() == again.json() == {"accepted": [str(e.id) for e in batch]}
    await records_of(reader, pool, start, batch[-1].id)
    records = await reader.records(start, await reader.end_offsets())
    on_the_case = [
        headers_of(r)["ce_id"] for r in records if r.key == str(registered.case_id).encode()
    ]
    assert on_the_case == [str(e.id) for e in batch]  # once each, in the order of the batch
    case = await detail(client, token, registered.case_id)
    assert case["status"] == "closed"
    assert len(case["steps"]) == len(batch)


async def test_a_step_after_the_closing_in_one_batch_is_refused_with_its_position(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    registered = suspicion()
    late = PoliceReportFiled(case_id=registered.case_id, filed_by="socialtjanst", filed_on=TODAY)
    batch = [event(registered), *(event(data) for data in course(registered.case_id))]
    batch.append(event(late))
    token = await tokens.machine("socialtjanst")

    response = await post(client, token, *batch)

    assert response.status_code == 409, response.text
    assert (response.json()["event"], response.json()["current_state"]) == ("$[5]", "closed")
    for sent in batch:  # all or nothing
        assert await outbox_rows(pool, sent.id) == 0
    missing = await get(client, token, f"/cases/{registered.case_id}")
    assert missing.status_code == 404
