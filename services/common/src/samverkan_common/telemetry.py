"""Tracing set up in one function, configured by the standard ``OTEL_*`` variables.

Call :func:`setup_telemetry` once per process, in the app's lifespan (never at
import time), and ``shutdown()`` the returned provider on the way out so the last
batch of spans is sent. Variables read (all optional):

* ``OTEL_SERVICE_NAME`` overrides the service name passed in.
* ``OTEL_RESOURCE_ATTRIBUTES`` adds resource attributes (``key=value,...``).
* ``OTEL_TRACES_EXPORTER``: ``zipkin`` (alias ``zipkin_json``), ``console`` or
  ``none`` (the default: spans are still made and propagated, just not sent).
* ``OTEL_EXPORTER_ZIPKIN_ENDPOINT`` and ``OTEL_EXPORTER_ZIPKIN_TIMEOUT`` (seconds).
* ``OTEL_SDK_DISABLED=true``: no spans at all, tracers are no-ops.
* ``OTEL_BSP_*``: batch size and delays, read by the SDK's ``BatchSpanProcessor``.
* ``OTEL_TRACES_SAMPLER`` and ``OTEL_TRACES_SAMPLER_ARG``, read by the SDK: the default
  follows the parent's decision and traces every new trace; at high rates
  ``parentbased_traceidratio`` with a ratio traces that share of the traces started here
  and still follows the decision a record's or request's trace context carries.

Trace context crosses process boundaries as W3C ``traceparent``/``tracestate``
and ``baggage``; :func:`inject_context` and :func:`extract_context` move it in
and out of a ``dict[str, str]`` carrier (HTTP headers, outbox rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from opentelemetry import propagate, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context import Context
from opentelemetry.exporter.zipkin.json import ZipkinExporter
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Accepted ``OTEL_TRACES_EXPORTER`` values.
EXPORTERS = frozenset({"zipkin", "zipkin_json", "console", "none"})


class TelemetrySettings(BaseSettings):
    """The standard OpenTelemetry variables honoured here (no prefix: the names are OTel's)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    otel_service_name: str | None = Field(
        default=None, description="Overrides the service name given in code."
    )
    otel_traces_exporter: str = Field(
        default="none",
        description="Comma-separated exporters: zipkin (alias zipkin_json), console, none.",
        examples=["zipkin"],
    )
    otel_exporter_zipkin_endpoint: str = Field(
        default="http://127.0.0.1:9411/api/v2/spans",
        description="Zipkin's span endpoint (the local trace server by default).",
    )
    otel_exporter_zipkin_timeout: int = Field(
        default=10, ge=1, description="Seconds to wait for Zipkin per batch."
    )
    otel_sdk_disabled: bool = Field(
        default=False, description="True turns tracing off: tracers become no-ops."
    )

    @field_validator("otel_traces_exporter")
    @classmethod
    def _known_exporters(cls, value: str) -> str:
        names = {name.strip().lower() for name in value.split(",") if name.strip()}
        unknown = names - EXPORTERS
        if unknown:
            raise ValueError(f"unsupported exporter(s) {sorted(unknown)}; use {sorted(EXPORTERS)}")
        return ",".join(sorted(names)) or "none"

    @property
    def exporters(self) -> frozenset[str]:
        """The chosen exporters, ``zipkin_json`` spelled ``zipkin``, without ``none``."""
        names = {
            "zipkin" if n == "zipkin_json" else n for n in self.otel_traces_exporter.split(",")
        }
        return frozenset(names - {"none"})


def _exporters_from(settings: TelemetrySettings) -> list[SpanExporter]:
    exporters: list[SpanExporter] = []
    if "zipkin" in settings.exporters:
        exporters.append(
            ZipkinExporter(
                endpoint=settings.otel_exporter_zipkin_endpoint,
                timeout=settings.otel_exporter_zipkin_timeout,
            )
        )
    if "console" in settings.exporters:
        exporters.append(ConsoleSpanExporter())
    return exporters


def setup_telemetry(
    service_name: str,
    *,
    exporter: SpanExporter | None = None,
    settings: TelemetrySettings | None = None,
    set_global: bool = True,
) -> TracerProvider:
    """Make the process's tracer provider and install the W3C propagators.

    ``exporter`` replaces the exporters chosen by ``OTEL_TRACES_EXPORTER`` (tests
    pass an ``InMemorySpanExporter``); it still goes through a ``BatchSpanProcessor``,
    so call ``force_flush()`` before reading it. ``set_global=False`` leaves the
    global provider alone (OpenTelemetry lets a process set it only once).
    """
    settings = settings or TelemetrySettings()
    resource = Resource.create({SERVICE_NAME: settings.otel_service_name or service_name})
    provider = TracerProvider(resource=resource)
    if not settings.otel_sdk_disabled:
        for chosen in [exporter] if exporter is not None else _exporters_from(settings):
            provider.add_span_processor(BatchSpanProcessor(chosen))
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    )
    if set_global:
        trace.set_tracer_provider(provider)
    return provider


def inject_context(
    carrier: dict[str, str] | None = None, *, context: Context | None = None
) -> dict[str, str]:
    """Write the current (or the given) trace context and baggage into ``carrier``; return it.

    Outside any span nothing is written: the carrier may stay empty.
    """
    carrier = {} if carrier is None else carrier
    propagate.inject(carrier, context=context)
    return carrier


def extract_context(carrier: Mapping[str, str]) -> Context:
    """The trace context and baggage carried by ``carrier``.

    Keys are looked up as written (``traceparent``, lower case): a plain dict needs
    lower-case keys; Starlette's ``request.headers`` is case-insensitive and works as is.
    Use the result as the parent of new spans:
    ``tracer.start_as_current_span(name, context=extract_context(headers))``.
    """
    return propagate.extract(carrier)


def carrier_of(headers: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """The W3C trace headers among Kafka headers, for :func:`extract_context`.

    Only the transport hop's ``traceparent``/``tracestate``/``baggage`` count; the event's own
    ``ce_traceparent`` (where the event was created) is left to the event.
    """
    return {k: v.decode() for k, v in headers if k in _TRACE_HEADERS}


_TRACE_HEADERS = frozenset({"traceparent", "tracestate", "baggage"})

#: A ``traceparent`` the W3C propagator accepts (version 00, ids not all zero, nothing after
#: the flags) whose flags say "not sampled" (the lowest bit, so the last hex digit is even).
_UNSAMPLED = re.compile(r"00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f][02468ace]")
_EXTREME_TRACE_IDS = (1, 2**128 - 1)


def unsampled(carrier: Mapping[str, str]) -> bool:
    """Whether ``carrier`` holds a valid trace context whose flags say "not sampled"."""
    traceparent = carrier.get("traceparent")
    return traceparent is not None and _UNSAMPLED.fullmatch(traceparent) is not None


def drops_unsampled_parents(provider: object | None = None) -> bool:
    """Whether ``provider`` (the global one if not given) makes nothing but non-recording
    spans under a remote parent that is not sampled, so that a consumer may skip making a
    span for a record whose :func:`unsampled` trace context says so.

    Asked of the provider's sampler, with the smallest and the largest trace id (a ratio
    sampler keeps the one and drops the other): true for every ``parentbased_*`` sampler and
    ``always_off``, false for ``always_on`` and a bare ``traceidratio``. A provider without a
    sampler to ask (before :func:`setup_telemetry`) gets false: spans are made as usual.
    """
    sampler = getattr(provider or trace.get_tracer_provider(), "sampler", None)
    if sampler is None:
        return False
    parent = trace.NonRecordingSpan(
        trace.SpanContext(trace_id=1, span_id=1, is_remote=True, trace_flags=trace.TraceFlags(0))
    )
    context = trace.set_span_in_context(parent)
    return all(
        sampler.should_sample(context, trace_id, "probe").decision is Decision.DROP
        for trace_id in _EXTREME_TRACE_IDS
    )
