"""Tracing and structured logs without any server: spans land in the SDK's in-memory exporter,
trace context survives a round trip through a carrier, and logs carry the trace but no
identity number or subject reference."""

from __future__ import annotations

import io
import json
import logging
import random
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import baggage, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from pydantic import ValidationError

from samverkan_common.logging import (
    HANDLER_NAME,
    NUMBER_MASK,
    SUBJECT_MASK,
    configure_logging,
    redact,
)
from samverkan_common.telemetry import (
    TelemetrySettings,
    drops_unsampled_parents,
    extract_context,
    inject_context,
    setup_telemetry,
    unsampled,
)
from samverkan_contracts.idnumbers import luhn_check_digit
from samverkan_contracts.subjects import is_subject_ref

SERVICE = "unit-telemetry"
# Explicit values, so that OTEL_* variables in the caller's shell change nothing here.
QUIET = TelemetrySettings(
    otel_service_name=None, otel_traces_exporter="none", otel_sdk_disabled=False
)


def personnummer(*, valid: bool = True) -> str:
    """A random 10-digit number, ``YYMMDD`` + ``NNNC``, with a right (or wrong) check digit."""
    rng = random.SystemRandom()
    body = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    check = luhn_check_digit(body)
    return body + str(check if valid else (check + 1) % 10)


def subject_ref() -> str:
    ref = "subj_" + "".join(random.choices("abcdefghijklmnopqrstuvwxyz234567", k=52))  # noqa: S311
    assert is_subject_ref(ref)
    return ref


@pytest.fixture
def spans() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    return setup_telemetry(SERVICE, exporter=exporter, settings=QUIET, set_global=False), exporter


# ---------------------------------------------------------------- telemetry


def test_spans_reach_the_exporter_with_the_service_name(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    with provider.get_tracer(__name__).start_as_current_span("handle"):
        pass
    assert provider.force_flush()
    [span] = exporter.get_finished_spans()
    assert span.name == "handle"
    assert span.resource.attributes["service.name"] == SERVICE


def test_otel_service_name_overrides_the_name_in_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "prevention-canary")
    exporter = InMemorySpanExporter()
    provider = setup_telemetry(SERVICE, exporter=exporter, set_global=False)
    with provider.get_tracer(__name__).start_as_current_span("handle"):
        pass
    provider.force_flush()
    assert exporter.get_finished_spans()[0].resource.attributes["service.name"] == (
        "prevention-canary"
    )


def test_otel_sdk_disabled_makes_no_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    exporter = InMemorySpanExporter()
    provider = setup_telemetry(SERVICE, exporter=exporter, set_global=False)
    with provider.get_tracer(__name__).start_as_current_span("handle") as span:
        assert not span.get_span_context().is_valid
    provider.force_flush()
    assert exporter.get_finished_spans() == ()


def test_a_ratio_sampler_follows_the_decision_a_trace_context_carries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``parentbased_traceidratio`` at 0, no trace starts here, yet a record whose trace
    context is marked sampled is traced and one marked not sampled is not."""
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0")
    exporter = InMemorySpanExporter()
    provider = setup_telemetry(SERVICE, exporter=exporter, settings=QUIET, set_global=False)
    tracer = provider.get_tracer(__name__)
    trace_id = "0af7651916cd43dd8448eb211c8031"
    for name, flags in (("sampled", "01"), ("not-sampled", "00")):
        parent = extract_context({"traceparent": f"00-{trace_id}{flags}-b7ad6b7169203331-{flags}"})
        tracer.start_span(name, context=parent).end()
    tracer.start_span("root").end()
    provider.force_flush()
    assert [s.name for s in exporter.get_finished_spans()] == ["sampled"]


@pytest.mark.parametrize(
    ("value", "chosen"),
    [
        ("none", set()),
        ("zipkin", {"zipkin"}),
        ("zipkin_json", {"zipkin"}),
        (" Zipkin , console ", {"zipkin", "console"}),
        ("", set()),
    ],
)
def test_exporters_come_from_otel_traces_exporter(
    monkeypatch: pytest.MonkeyPatch, value: str, chosen: set[str]
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", value)
    assert TelemetrySettings().exporters == chosen


def test_an_exporter_we_do_not_ship_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    with pytest.raises(ValidationError, match="otlp"):
        TelemetrySettings()


def test_inject_then_extract_continues_the_trace(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    tracer = provider.get_tracer(__name__)
    with tracer.start_as_current_span("publish") as parent:
        carrier = inject_context()
    sent = parent.get_span_context()
    flags = f"{sent.trace_flags:02x}"
    assert carrier["traceparent"] == f"00-{sent.trace_id:032x}-{sent.span_id:016x}-{flags}"

    received = extract_context(dict(carrier))
    assert trace.get_current_span(received).get_span_context() == trace.SpanContext(
        sent.trace_id, sent.span_id, is_remote=True, trace_flags=sent.trace_flags
    )
    with tracer.start_as_current_span("consume", context=received):
        pass
    provider.force_flush()
    consume = next(s for s in exporter.get_finished_spans() if s.name == "consume")
    assert consume.context.trace_id == sent.trace_id
    assert consume.parent is not None
    assert consume.parent.span_id == sent.span_id


def test_baggage_travels_with_the_trace(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, _ = spans
    with provider.get_tracer(__name__).start_as_current_span("publish"):
        carrier = inject_context(context=baggage.set_baggage("organisation", "kista"))
    assert carrier["baggage"] == "organisation=kista"
    assert baggage.get_baggage("organisation", extract_context(carrier)) == "kista"


def test_outside_a_span_nothing_is_injected() -> None:
    setup_telemetry(SERVICE, settings=QUIET, set_global=False)
    assert "traceparent" not in inject_context()


@pytest.mark.parametrize(
    ("sampler", "argument", "drops"),
    [
        ("parentbased_always_on", "", True),
        ("parentbased_traceidratio", "0.01", True),
        ("parentbased_traceidratio", "1", True),
        ("always_off", "", True),
        ("always_on", "", False),
        ("traceidratio", "0.5", False),
    ],
)
def test_a_provider_says_whether_it_drops_spans_under_unsampled_parents(
    monkeypatch: pytest.MonkeyPatch, *, sampler: str, argument: str, drops: bool
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", sampler)
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", argument)
    provider = setup_telemetry(SERVICE, settings=QUIET, set_global=False)
    assert drops_unsampled_parents(provider) is drops


_hex = "0123456789abcdef"
_traceparents = st.builds(
    "{}-{}-{}-{}{}".format,
    st.sampled_from(["00", "00", "01", "ff"]),
    st.text(_hex, min_size=32, max_size=32) | st.just("0" * 32),
    st.text(_hex, min_size=16, max_size=16) | st.just("0" * 16),
    st.text(_hex, min_size=2, max_size=2) | st.text(_hex + "G", max_size=3),
    st.sampled_from(["", "", "-extra", " "]),
)
_parent_based = [TracerProvider(sampler=ParentBased(TraceIdRatioBased(r))) for r in (0, 1)]


@given(traceparent=_traceparents | st.text(max_size=60))
def test_a_context_said_unsampled_gets_a_span_that_records_nothing(traceparent: str) -> None:
    """What a consumer skips when the provider drops unsampled parents: the span the full
    path makes for it is never recording, under the parent-based sampler at any ratio; a
    valid context whose flags say "sampled" is never skipped."""
    carrier = {"traceparent": traceparent}
    recording = [
        provider.get_tracer(__name__).start_span("x", context=extract_context(carrier))
        for provider in _parent_based
    ]
    if unsampled(carrier):
        assert not any(span.is_recording() for span in recording)
    parent = trace.get_current_span(extract_context(carrier)).get_span_context()
    if parent.is_valid and parent.trace_flags.sampled:
        assert not unsampled(carrier)


def test_only_a_valid_context_marked_not_sampled_is_unsampled() -> None:
    trace_id, span_id = "0af7651916cd43dd8448eb211c803101", "b7ad6b7169203331"
    assert unsampled({"traceparent": f"00-{trace_id}-{span_id}-00"})
    assert unsampled({"traceparent": f"00-{trace_id}-{span_id}-02"})
    assert not unsampled({"traceparent": f"00-{trace_id}-{span_id}-01"})
    assert not unsampled({"traceparent": f"00-{trace_id}-{span_id}-03"})
    assert not unsampled({"traceparent": f"00-{'0' * 32}-{span_id}-00"})  # invalid: a root
    assert not unsampled({"traceparent": f"00-{trace_id}-{span_id}-00-more"})
    assert not unsampled({})


def test_a_malformed_traceparent_starts_a_new_trace() -> None:
    setup_telemetry(SERVICE, settings=QUIET, set_global=False)
    context = extract_context({"traceparent": "00-not-a-trace-01"})
    assert not trace.get_current_span(context).get_span_context().is_valid


# ---------------------------------------------------------------- logging


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """configure_logging on the root logger, writing to a buffer; the root is restored after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(SERVICE, "DEBUG", stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def test_records_are_json_with_service_level_and_logger(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    logging.getLogger("samverkan.test").warning("referral %s accepted", "r-1", extra={"n": 3})
    [line] = log_lines()
    assert line["service"] == SERVICE
    assert line["level"] == "WARNING"
    assert line["logger"] == "samverkan.test"
    assert line["message"] == "referral r-1 accepted"
    assert line["n"] == 3
    assert next(iter(line)) == "timestamp"
    assert "trace_id" not in line


def test_trace_and_span_ids_are_on_records_inside_a_span(
    spans: tuple[TracerProvider, InMemorySpanExporter],
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    provider, _ = spans
    with provider.get_tracer(__name__).start_as_current_span("handle") as span:
        logging.getLogger("samverkan.test").info("inside")
    logging.getLogger("samverkan.test").info("outside")
    inside, outside = log_lines()
    context = span.get_span_context()
    assert inside["trace_id"] == f"{context.trace_id:032x}"
    assert inside["span_id"] == f"{context.span_id:016x}"
    assert "trace_id" not in outside


@pytest.mark.parametrize(
    "form",
    [
        lambda n: n,  # YYMMDDNNNC
        lambda n: f"{n[:6]}-{n[6:]}",  # YYMMDD-NNNC
        lambda n: f"19{n}",  # YYYYMMDDNNNC
        lambda n: f"19{n[:6]}-{n[6:]}",  # YYYYMMDD-NNNC
        lambda n: f"{n[:6]} {n[6:]}",  # with a space
        lambda n: f"{n[:6]}\u2013{n[6:]}",  # with an en dash
    ],
)
def test_a_valid_personnummer_in_the_args_is_masked(
    log_lines: Callable[[], list[dict[str, Any]]], form: Callable[[str], str]
) -> None:
    written = form(personnummer())
    logging.getLogger("samverkan.test").info("call about %s today", written)
    [line] = log_lines()
    assert line["message"] == f"call about {NUMBER_MASK} today"
    assert written not in json.dumps(line, ensure_ascii=False)


def test_a_personnummer_in_the_message_extras_and_traceback_is_masked(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    number = personnummer()
    log = logging.getLogger("samverkan.test")
    try:
        raise ValueError(f"duplicate key {number}")  # noqa: TRY301 - the traceback is the test
    except ValueError:
        log.exception(f"failed for {number}", extra={"who": number, "as_int": int(number)})  # noqa: G004
    [line] = log_lines()
    assert number not in json.dumps(line)
    assert line["message"] == f"failed for {NUMBER_MASK}"
    assert line["who"] == NUMBER_MASK
    assert line["as_int"] == NUMBER_MASK
    assert f"ValueError: duplicate key {NUMBER_MASK}" in line["exc_info"]


def test_a_subject_reference_is_masked(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    ref = subject_ref()
    logging.getLogger("samverkan.test").info("care plan for %s", ref, extra={"subject": ref})
    [line] = log_lines()
    assert line["message"] == f"care plan for {SUBJECT_MASK}"
    assert line["subject"] == SUBJECT_MASK


def test_numbers_that_are_not_identity_numbers_stay_readable() -> None:
    wrong_check = personnummer(valid=False)
    event_id = str(uuid.uuid4())
    text = f"order {wrong_check}, offset 1234567890123, event {event_id}"
    assert redact(text) == text


def test_a_uuid_that_looks_like_a_number_is_left_alone() -> None:
    number = personnummer()
    lookalike = f"19{number[:6]}-{number[6:]}-4abc-8def-0123456789ab"
    assert redact(f"event {lookalike}") == f"event {lookalike}"


def test_the_sign_in_callbacks_code_is_not_in_the_access_log(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    code = f"{uuid.uuid4()}.{uuid.uuid4()}"
    callback = f"/auth/callback?state=abc&code={code}"
    access = logging.getLogger("uvicorn.access")
    line = '%s - "%s %s HTTP/%s" %d'  # uvicorn's access log format and arguments
    access.info(line, "127.0.0.1:5", "GET", callback, "1.1", 303)
    access.info(line, "127.0.0.1:5", "GET", "/overview?district=kista", "1.1", 200)
    callback_line, read_line = log_lines()
    assert code not in json.dumps(callback_line)
    assert callback_line["message"] == '127.0.0.1:5 - "GET /auth/callback?[redacted] HTTP/1.1" 303'
    assert "/overview?district=kista" in read_line["message"]


def test_configuring_twice_leaves_one_handler(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    configure_logging(SERVICE, "info", stream=io.StringIO())
    ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert logging.getLogger().level == logging.INFO
    assert log_lines() == []


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging(SERVICE, "LOUD")
