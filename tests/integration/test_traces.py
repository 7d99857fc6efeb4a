"""The trace server that the local stack started (deploy/local/traces.sh) is real: a parent
and a child span sent through the platform's telemetry set-up come back from Zipkin's HTTP
API as one trace, linked."""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import httpx
import pytest
from opentelemetry import trace

from samverkan_common.telemetry import TelemetrySettings, setup_telemetry

pytestmark = pytest.mark.integration

ZIPKIN = f"http://127.0.0.1:{int(os.environ.get('ZIPKIN_PORT', '9411'))}"


def read_trace(trace_id: str, spans: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    """The trace's spans once Zipkin holds ``spans`` of them (it stores asynchronously)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=ZIPKIN, timeout=5.0) as client:
        while True:
            answer = client.get(f"/api/v2/trace/{trace_id}")
            if answer.status_code == httpx.codes.OK and len(answer.json()) >= spans:
                found: list[dict[str, Any]] = answer.json()
                return found
            assert answer.status_code in {httpx.codes.OK, httpx.codes.NOT_FOUND}, answer.text
            assert time.monotonic() < deadline, f"trace {trace_id} not complete in Zipkin"
            time.sleep(0.2)


def test_zipkin_is_healthy() -> None:
    health = httpx.get(f"{ZIPKIN}/health", timeout=5.0)
    assert health.status_code == httpx.codes.OK
    assert health.json()["status"] == "UP"


def test_parent_and_child_spans_come_back_as_one_linked_trace() -> None:
    suffix = uuid.uuid4().hex[:12]
    service = f"it-traces-{suffix}"
    settings = TelemetrySettings(
        otel_service_name=None,
        otel_traces_exporter="zipkin",
        otel_exporter_zipkin_endpoint=f"{ZIPKIN}/api/v2/spans",
        otel_sdk_disabled=False,
    )
    provider = setup_telemetry(service, settings=settings, set_global=False)
    tracer = provider.get_tracer(__name__)
    try:
        with (
            tracer.start_as_current_span(f"parent-{suffix}") as parent,
            tracer.start_as_current_span(f"child-{suffix}") as child,
        ):
            child.set_attribute("samverkan.test", suffix)
        assert provider.force_flush(10_000)
    finally:
        provider.shutdown()

    trace_id = trace.format_trace_id(parent.get_span_context().trace_id)
    spans = {span["name"]: span for span in read_trace(trace_id, spans=2)}
    assert set(spans) == {f"parent-{suffix}", f"child-{suffix}"}
    root, leaf = spans[f"parent-{suffix}"], spans[f"child-{suffix}"]
    assert "parentId" not in root
    assert root["id"] == trace.format_span_id(parent.get_span_context().span_id)
    assert leaf["parentId"] == root["id"]
    assert leaf["id"] == trace.format_span_id(child.get_span_context().span_id)
    assert leaf["tags"]["samverkan.test"] == suffix
    assert {span["localEndpoint"]["serviceName"] for span in spans.values()} == {service}

    services = httpx.get(f"{ZIPKIN}/api/v2/services", timeout=5.0).json()
    assert service in services
