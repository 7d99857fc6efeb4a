"""The outreach service on the real stack: Keycloak tokens, PostgreSQL state, Kafka topic."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from samverkan_contracts.base import AgeBand, EventData
from samverkan_contracts.envelope import CloudEvent, from_kafka, new_event
from samverkan_contracts.events.outreach import (
    Arena,
    ArenaObserved,
    ContactMade,
    HousingIndicator,
    HousingSignalReported,
    JointOperationCompleted,
    JointOperationPlanned,
    Need,
    ObservationUnit,
)
from samverkan_contracts.events.plans import OutreachPlanUpdated, PlanStatus
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

TOPIC = "samverkan.outreach.v1"
TODAY = datetime.now(UTC).date()


def event(data: EventData, district: str, actororg: str) -> CloudEvent[EventData]:
    return new_event(
        data, source=f"/tests/{actororg}/outreach", district=district, actororg=actororg
    )


def new_subject() -> str:
    return subject_ref_from_local_id("kungsholmen", local_id(), os.urandom(32))


def contact(*, subject_ref: str | None = None) -> ContactMade:
    return ContactMade(
        contact_id=uuid.uuid4(),
        contacted_at=datetime.now(UTC),
        arena=Arena.STREET,
        subject_ref=subject_ref,
        anonymous_count=None if subject_ref else 2,
        age_band=AgeBand.AGE_18_24,
        needs_identified=(Need.HOUSING, Need.HEALTH_CARE),
    )


def operation(district: str) -> JointOperationPlanned:
    return JointOperationPlanned(
        operation_id=uuid.uuid4(),
        planned_for=TODAY + timedelta(days=14),
        arena=Arena.HOTEL,
        participants=("socialtjanst", district),
        purpose="Hotel outreach during trade fair week",
    )


def completion(operation_id: uuid.UUID) -> JointOperationCompleted:
    return JointOperationCompleted(
        operation_id=operation_id, completed_on=TODAY, contacts_made=9, referrals_made=2
    )


def signal(reported_by: str) -> HousingSignalReported:
    return HousingSignalReported(
        signal_id=uuid.uuid4(),
        reported_by=reported_by,
        property_ref=f"FB-{uuid.uuid4().hex[:8]}",
        indicators=(HousingIndicator.MANY_SHORT_VISITS,),
        observed_on=TODAY,
    )


def ids(response: httpx.Response, key: str) -> set[str]:
    assert response.status_code == 200, response.text
    return {item[key] for item in response.json()}


def the(response: httpx.Response, key: str, value: str) -> dict[str, Any]:
    """The one row of a list answer whose ``key`` is ``value``."""
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    [row] = [item for item in rows if item[key] == value]
    return row


async def test_contact_lands_once_on_the_topic_and_is_readable(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    subject = new_subject()
    sent = event(contact(subject_ref=subject), "kungsholmen", "kungsholmen")
    token = await tokens.machine("kungsholmen")
    start = await reader.end_offsets()

    first = await post(client, token, sent)
    again = await post(client, token, sent)

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() == {"accepted": [str(sent.id)]}
    [record] = await records_of(reader, pool, start, sent.id)
    assert record.topic == TOPIC
    assert record.key == subject.encode()
    headers = headers_of(record)
    assert headers["ce_id"] == str(sent.id)
    assert headers["ce_type"] == "se.stockholm.samverkan.outreach.contact.made.v1"
    assert headers["ce_subject"] == subject
    assert headers["ce_district"] == "kungsholmen"
    assert headers["ce_actororg"] == "kungsholmen"
    assert headers["ce_sensitivity"] == "normal"
    assert from_kafka(record.key, record.value, record.headers) == sent

    contact_id = str(sent.data_as(ContactMade).contact_id)
    seen = the(await get(client, token, "/contacts"), "contact_id", contact_id)
    assert seen["subject_ref"] == subject
    assert seen["needs_identified"] == ["housing", "health_care"]


async def test_contacts_are_scoped_and_subjects_shown_only_to_case_work(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    sent = event(contact(subject_ref=new_subject()), "kungsholmen", "kungsholmen")
    assert (await post(client, await tokens.machine("kungsholmen"), sent)).status_code == 202
    contact_id = str(sent.data_as(ContactMade).contact_id)

    async def visible(token: str) -> dict[str, object] | None:
        rows = (await get(client, token, "/contacts")).json()
        return next((c for c in rows if c["contact_id"] == contact_id), None)

    specialist = await visible(await tokens.person("anna.specialist"))
    manager = await visible(await tokens.person("david.kungsholmen"))
    assert specialist is not None
    assert specialist["subject_ref"] == sent.data_as(ContactMade).subject_ref
    assert manager is not None
    assert (manager["subject_ref"], manager["pseudonymous"]) == (None, True)
    assert await visible(await tokens.machine("rinkeby")) is None
    assert await visible(await tokens.machine("familjebostader")) is None
    other = await get(client, await tokens.machine("rinkeby"), "/contacts", district="kungsholmen")
    assert other.status_code == 403


async def test_a_batch_lands_each_event_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    observed = ArenaObserved(
        observation_id=uuid.uuid4(),
        arena=Arena.INTERNET,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        unit=ObservationUnit.ONLINE_ADS,
        observed_count=42,
    )
    anonymous = contact()
    batch = [
        event(observed, "norrmalm", "socialtjanst"),
        event(anonymous, "norrmalm", "socialtjanst"),
    ]
    token = await tokens.machine("socialtjanst")
    start = await reader.end_offsets()

    response = await post(client, token, *batch)

    assert response.json() == {"accepted": [str(e.id) for e in batch]}
    for sent in batch:
        [record] = await records_of(reader, pool, start, sent.id)
        assert record.key == sent.subject.encode()
        assert headers_of(record)["ce_actororg"] == "socialtjanst"
    assert batch[1].subject == str(anonymous.contact_id)
    district_token = await tokens.machine("norrmalm")
    seen = await get(client, district_token, "/observations")
    assert str(observed.observation_id) in ids(seen, "observation_id")
    contacts = await get(client, district_token, "/contacts")
    assert str(anonymous.contact_id) in ids(contacts, "contact_id")


async def test_joint_operation_is_planned_then_completed_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    planned = operation("norrmalm")
    central, district = await tokens.machine("socialtjanst"), await tokens.machine("norrmalm")
    start = await reader.end_offsets()
    assert (
        await post(client, central, event(planned, "norrmalm", "socialtjanst"))
    ).status_code == 202
    done = event(completion(planned.operation_id), "norrmalm", "norrmalm")

    assert (await post(client, district, done)).status_code == 202
    [record] = await records_of(reader, pool, start, done.id)
    assert record.key == str(planned.operation_id).encode()
    assert headers_of(record)["ce_actororg"] == "norrmalm"

    operations = await get(client, district, "/operations")
    seen = the(operations, "operation_id", str(planned.operation_id))
    assert (seen["status"], seen["completed_by"], seen["contacts_made"]) == (
        "completed",
        "norrmalm",
        9,
    )
    assert seen["participants"] == ["socialtjanst", "norrmalm"]


async def test_operation_conflicts_name_the_current_state(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    planned = operation("kungsholmen")
    district = await tokens.machine("kungsholmen")
    assert (
        await post(client, district, event(planned, "kungsholmen", "kungsholmen"))
    ).status_code == 202
    assert (
        await post(
            client, district, event(completion(planned.operation_id), "kungsholmen", "kungsholmen")
        )
    ).status_code == 202

    twice = event(completion(planned.operation_id), "kungsholmen", "kungsholmen")
    unknown = event(completion(uuid.uuid4()), "kungsholmen", "kungsholmen")
    replanned = event(planned, "kungsholmen", "kungsholmen")
    for refused, state in ((twice, "completed"), (unknown, "unknown"), (replanned, "completed")):
        response = await post(client, district, refused)
        assert response.status_code == 409
        assert response.json()["current_state"] == state
        assert state in response.json()["detail"]
        assert await outbox_rows(pool, refused.id) == 0


async def test_housing_signal_is_read_by_its_sender_and_its_district(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    reported = signal("familjebostader")
    sent = event(reported, "farsta", "familjebostader")
    company = await tokens.machine("familjebostader")
    start = await reader.end_offsets()

    assert (await post(client, company, sent)).status_code == 202
    [record] = await records_of(reader, pool, start, sent.id)
    assert headers_of(record)["ce_actororg"] == "familjebostader"

    key = str(reported.signal_id)
    assert key in ids(await get(client, company, "/housing-signals"), "signal_id")
    assert key in ids(
        await get(client, company, "/housing-signals", district="farsta"), "signal_id"
    )
    assert key in ids(
        await get(client, await tokens.machine("farsta"), "/housing-signals"), "signal_id"
    )
    assert key in ids(
        await get(client, await tokens.person("anna.specialist"), "/housing-signals"), "signal_id"
    )
    assert key not in ids(
        await get(client, await tokens.machine("stockholmshem"), "/housing-signals"), "signal_id"
    )
    assert key not in ids(
        await get(client, await tokens.machine("kista"), "/housing-signals"), "signal_id"
    )


async def test_a_company_reports_only_in_its_own_name(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    forged = event(signal("stockholmshem"), "farsta", "familjebostader")
    response = await post(client, await tokens.machine("familjebostader"), forged)
    assert response.status_code == 403
    assert await outbox_rows(pool, forged.id) == 0


async def test_a_housing_company_may_not_post_a_contact(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    refused = event(contact(), "farsta", "familjebostader")
    response = await post(client, await tokens.machine("familjebostader"), refused)
    assert response.status_code == 403
    assert await outbox_rows(pool, refused.id) == 0


async def test_a_district_may_not_post_about_another_district(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    refused = event(contact(), "rinkeby", "kungsholmen")
    response = await post(client, await tokens.machine("kungsholmen"), refused)
    assert response.status_code == 403
    assert await outbox_rows(pool, refused.id) == 0


async def test_an_event_id_reused_for_other_content_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = await tokens.machine("kungsholmen")
    sent = event(contact(), "kungsholmen", "kungsholmen")
    assert (await post(client, token, sent)).status_code == 202
    reused = new_event(
        contact(),
        source="/tests/kungsholmen/outreach",
        district="kungsholmen",
        actororg="kungsholmen",
        event_id=sent.id,
    )
    assert (await post(client, token, reused)).status_code == 409


async def test_outreach_plan_is_recorded_and_readable_by_its_district(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens, reader: TopicReader
) -> None:
    plan = OutreachPlanUpdated(
        plan_id=uuid.uuid4(),
        revision=1,
        title="Kungsholmen outreach plan 2026",
        status=PlanStatus.ADOPTED,
        adopted_on=date(2026, 1, 28),
        next_review_on=date(2027, 1, 31),
    )
    sent = event(plan, "kungsholmen", "kungsholmen")
    start = await reader.end_offsets()

    assert (await post(client, await tokens.person("david.kungsholmen"), sent)).status_code == 202
    [record] = await records_of(reader, pool, start, sent.id)
    assert record.key == str(plan.plan_id).encode()

    plans = await get(client, await tokens.machine("kungsholmen"), "/plans")
    seen = the(plans, "plan_id", str(plan.plan_id))
    assert (seen["area"], seen["status"], seen["revision"]) == ("outreach", "adopted", 1)
    assert json.dumps(seen["measures"]) == "[]"


async def test_a_batch_of_contacts_with_one_contact_twice_is_refused_naming_the_second(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    first, other = contact(subject_ref=new_subject()), contact()
    again = contact(subject_ref=first.subject_ref).model_copy(
        update={"contact_id": first.contact_id}
    )
    batch = [event(data, "kungsholmen", "kungsholmen") for data in (first, other, again)]
    token = await tokens.machine("kungsholmen")

    response = await post(client, token, *batch)

    assert response.status_code == 409, response.text
    assert (response.json()["event"], response.json()["current_state"]) == ("$[2]", "recorded")
    for sent in batch:
        assert await outbox_rows(pool, sent.id) == 0
    assert (await post(client, token, *batch[:2])).status_code == 202
    later = await post(client, token, event(contact(), "kungsholmen", "kungsholmen"), batch[2])
    assert later.status_code == 409, later.text
    assert later.json()["event"] == "$[1]"
    seen = ids(await get(client, token, "/contacts"), "contact_id")
    assert {str(first.contact_id), str(other.contact_id)} <= seen


async def test_a_batch_of_signals_is_refused_at_the_first_in_another_name(
    client: httpx.AsyncClient, pool: asyncpg.Pool, tokens: Tokens
) -> None:
    own = [signal("familjebostader") for _ in range(3)]
    batch = [event(data, "farsta", "familjebostader") for data in own]
    batch.insert(2, event(signal("stockholmshem"), "farsta", "familjebostader"))

    response = await post(client, await tokens.machine("familjebostader"), *batch)

    assert response.status_code == 403, response.text
    assert response.json()["event"] == "$[2]"
    for sent in batch:
        assert await outbox_rows(pool, sent.id) == 0
    allowed = await post(client, await tokens.machine("familjebostader"), *batch[:2], batch[3])
    assert allowed.status_code == 202, allowed.text
