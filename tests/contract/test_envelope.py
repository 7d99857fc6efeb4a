"""The envelope: registry agreement, platform-set actororg, HTTP and Kafka bindings."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent as SdkCloudEvent

from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import (
    BATCH_CONTENT_TYPE,
    MAX_BATCH_EVENTS,
    CloudEvent,
    InvalidEventError,
    error_body,
    from_kafka,
    new_event,
    parse_batch,
    parse_event,
    parse_structured,
    to_kafka,
    to_structured,
    wire_dict,
)
from samverkan_contracts.events.treatment import ReferralReceived, ReferralSent

SAMPLES = Path(__file__).parents[2] / "contracts" / "samples"
SENT = "se.stockholm.samverkan.treatment.referral.sent.v1"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _sample(event_type: str = SENT) -> dict[str, Any]:
    path = min((SAMPLES / event_type).glob("*.json"))
    raw: dict[str, Any] = json.loads(path.read_text())
    return raw


def _event() -> CloudEvent[EventData]:
    return parse_event(_sample())


def _client(raw: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in raw.items() if k != "actororg"})


def _error(call: Any) -> InvalidEventError:
    with pytest.raises(InvalidEventError) as info:
        call()
    return info.value


def test_new_event_takes_type_area_sensitivity_and_subject_from_the_registry() -> None:
    data = _event().data_as(ReferralSent)
    event = new_event(data, source="/districts/kista", district="kista", actororg="kista",
                      traceparent=TRACEPARENT)  # fmt: skip
    assert event.type == SENT
    assert event.programmearea == "treatment"
    assert event.sensitivity == "normal"
    assert event.subject == str(data.referral_id)
    assert event.correlationid == event.id
    assert event.data_as(ReferralSent) is data
    assert event.trace_carrier() == {"traceparent": TRACEPARENT}
    with pytest.raises(TypeError):
        event.data_as(ReferralReceived)


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        ("programmearea", "prevention", "programmearea must be 'treatment'"),
        ("sensitivity", "restricted", "sensitivity must be 'normal'"),
        ("subject", "2d1c0b9a-0000-4000-8000-000000000000", "subject must be the aggregate key"),
        ("district", "atlantis", "unknown organisation code"),
        ("traceparent", "00-" + "0" * 32 + "-b7ad6b7169203331-01", "must not be all zeros"),
        ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-" + "0" * 16 + "-01", "all zeros"),
        ("time", "2026-03-02T10:15:00", "timezone"),
        ("specversion", "0.3", "1.0"),
    ],
)
def test_attributes_must_agree_with_the_registry_and_the_data(
    attribute: str, value: str, message: str
) -> None:
    error = _error(lambda: parse_event({**_sample(), attribute: value}))
    assert message in str(error)
    assert value not in str(error)


def test_data_of_another_type_is_refused() -> None:
    raw = {**_sample(), "type": "se.stockholm.samverkan.treatment.referral.received.v1"}
    error = _error(lambda: parse_event(raw))
    assert all(e["path"].startswith("$.data") for e in error.errors)


def test_unknown_types_are_refused_by_path() -> None:
    error = _error(lambda: parse_event({**_sample(), "type": "se.stockholm.samverkan.x.y.done.v9"}))
    assert error.errors[0]["path"] == "$.type"


def test_clients_never_set_actororg_the_platform_does() -> None:
    raw = _sample()
    error = _error(lambda: parse_structured(json.dumps(raw), actororg="kista"))
    assert error.errors[0]["path"] == "$.actororg"
    event = parse_structured(_client(raw), actororg="socialtjanst")
    assert event.actororg == "socialtjanst"


def test_invalid_json_is_refused_without_echo() -> None:
    error = _error(lambda: parse_structured('{"id": "Anna Andersson', actororg="kista"))
    assert "Anna" not in str(error)
    assert error_body(error) == {
        "errors": [{"path": "$", "type": "invalid_json", "message": "the body is not valid JSON"}]
    }


def test_a_batch_is_all_or_nothing_and_names_each_bad_event() -> None:
    good = json.loads(_client(_sample()))
    both = {"legal_basis": "lvu", "consent_id": "4e3d2c1b-0a9f-4e8d-a7c6-b5a4f3e2d1c0"}
    bad = {**good, "data": {**good["data"], **both}}
    assert len(parse_batch(json.dumps([good, good]), actororg="kista")) == 2
    error = _error(
        lambda: parse_batch(json.dumps([good, bad, good, {**good, "id": "x"}]), actororg="kista")
    )
    assert {e["path"] for e in error.errors} == {"$[1].data", "$[3].id"}
    assert (
        _error(lambda: parse_batch(json.dumps(good), actororg="kista")).errors[0]["type"]
        == "array_type"
    )
    too_many = json.dumps([good] * (MAX_BATCH_EVENTS + 1))
    assert (
        _error(lambda: parse_batch(too_many, actororg="kista")).errors[0]["type"]
        == "batch_too_large"
    )
    assert BATCH_CONTENT_TYPE == "application/cloudevents-batch+json"


def test_structured_json_is_the_cloudevents_json_format() -> None:
    event = _event()
    body = json.loads(to_structured(event))
    assert body == _sample()
    assert "causationid" not in body  # absent attributes are omitted, not null


def test_kafka_binary_mode_puts_attributes_in_ce_headers_and_data_in_the_value() -> None:
    event = _event()
    key, value, headers = to_kafka(event)
    assert key == event.subject.encode()
    assert json.loads(value) == wire_dict(event)["data"]
    names = dict(headers)
    assert names["content-type"] == b"application/json"
    assert names["ce_type"] == SENT.encode()
    assert names["ce_traceparent"] == event.traceparent.encode()  # type: ignore[union-attr]
    assert names["ce_time"] == b"2026-03-02T10:15:00+01:00"
    assert {n for n in names if not n.startswith("ce_")} == {"content-type"}
    assert {n.removeprefix("ce_") for n in names} - {"content-type"} == set(wire_dict(event)) - {
        "data",
        "datacontenttype",
    }


def test_the_cloudevents_sdk_reads_our_records_and_we_read_its_records() -> None:
    event = _event()
    key, value, headers = to_kafka(event)
    message = kafka.KafkaMessage(headers=dict(headers), key=key, value=value)
    read_by_sdk = kafka.from_binary(message, JSONFormat())
    attributes = dict(read_by_sdk.get_attributes())
    expected = wire_dict(event)
    data = expected.pop("data")
    assert attributes.pop("partitionkey") == event.subject
    assert attributes.pop("time") == event.time
    assert attributes == {k: v for k, v in expected.items() if k != "time"}
    assert read_by_sdk.get_data() == data
    written_by_sdk = kafka.to_binary(
        SdkCloudEvent({**expected, "time": event.time}, data),
        JSONFormat(),
        key_mapper=lambda _: event.subject,
    )
    sdk_headers = list(written_by_sdk.headers.items())
    assert from_kafka(key, written_by_sdk.value, sdk_headers) == event


def test_kafka_records_must_be_binary_mode_consistent_and_well_formed() -> None:
    key, value, headers = to_kafka(_event())
    without_version = [h for h in headers if h[0] != "ce_specversion"]
    assert (
        _error(lambda: from_kafka(key, value, without_version)).errors[0]["type"]
        == "not_binary_mode"
    )
    assert _error(lambda: from_kafka(b"other", value, headers)).errors[0]["type"] == "key_mismatch"
    twice = [*headers, ("ce_district", b"kista")]
    assert _error(lambda: from_kafka(key, value, twice)).errors[0]["type"] == "duplicate_header"
    assert _error(lambda: from_kafka(key, b"not json", headers)).errors[0]["path"] == "$.data"
    bad_time = [(n, b"yesterday at noon" if n == "ce_time" else v) for n, v in headers]
    error = _error(lambda: from_kafka(key, value, bad_time))
    assert "yesterday" not in str(error)
    assert from_kafka(None, value, [*headers, ("traceparent", b"ignored")]) == _event()


def test_the_event_id_is_kept_on_every_send() -> None:
    event = _event()
    assert to_kafka(event) == to_kafka(event)
    assert from_kafka(*to_kafka(event)).id == event.id == uuid.UUID(_sample()["id"])


def test_new_events_get_fresh_ids_and_utc_times_by_default() -> None:
    data = _event().data
    first = new_event(data, source="/s", district="kista", actororg="kista")
    second = new_event(data, source="/s", district="kista", actororg="kista")
    assert first.id != second.id
    assert first.time.tzinfo is not None
    assert abs((datetime.now(UTC) - first.time).total_seconds()) < 60
