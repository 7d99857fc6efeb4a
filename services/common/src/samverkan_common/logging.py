"""Structured JSON logs: one object per line, with the current trace and nothing personal.

:func:`configure_logging` sends every record to one handler on the root logger
that writes JSON (python-json-logger) with ``timestamp``, ``level``, ``logger``,
``message``, ``service``, any ``extra`` fields and, inside a span, ``trace_id``
and ``span_id`` (the hex ids Zipkin and the ``traceparent`` header show).

Two layers keep identity numbers out of the logs:

* :class:`RedactionFilter` (on the handler) formats the message with its args,
  masks it and drops the args, so every later handler sees the masked text;
  exception text is masked too.
* The formatter masks every string (and number) of the finished record, extra
  fields and tracebacks included.

Masked are: every valid personnummer or samordningsnummer in any format the
contracts' guard accepts (checked by ``samverkan_contracts.idnumbers``, so
ten or twelve digits that fail the date or check digit stay readable) and every
pseudonymous subject reference (``subj_`` + 52 base32 characters). UUIDs are
left alone, as the guard does: about one random UUID in 20,000 would otherwise
look like a ``YYYYMMDD-NNNC`` number.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from samverkan_contracts.idnumbers import contains_identity_number
from samverkan_contracts.subjects import SUBJECT_REF_PATTERN

if TYPE_CHECKING:
    from typing import TextIO

NUMBER_MASK = "[redacted identity number]"
SUBJECT_MASK = "subj_[redacted]"
#: Replaces a piece of text whose number could not be located to be masked alone.
WHOLE_MASK = "[redacted: held an identity number]"
HANDLER_NAME = "samverkan-json"
_TRACE_FIELDS = frozenset({"trace_id", "span_id"})

_SUBJECT = re.compile(SUBJECT_REF_PATTERN.removeprefix("^").removesuffix("$"))
# Where a number may be: 6 or 8 digits, at most one separator, 4 digits, between non-digits.
# Every candidate is confirmed by the contracts' checker before it is masked.
_CANDIDATE = re.compile(r"(?<!\d)\d{6}(?:\d{2})?\D?\d{4}(?!\d)")
#: A UUID inside a text: random ids, kept as they are (one in some thousands holds digits that
#: read as an identity number, and masking it would break the id an operator looks for).
UUID_IN_TEXT = re.compile(
    r"((?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f]))"
)


def _mask_numbers(text: str) -> str:
    if not contains_identity_number(text):
        return text
    masked = _CANDIDATE.sub(
        lambda m: NUMBER_MASK if contains_identity_number(m.group()) else m.group(), text
    )
    # The checker is the authority: anything it still finds takes the whole piece with it.
    return WHOLE_MASK if contains_identity_number(masked) else masked


def redact(text: str) -> str:
    """``text`` with identity numbers and subject references masked (UUIDs kept as they are)."""
    text = _SUBJECT.sub(SUBJECT_MASK, text)
    pieces = UUID_IN_TEXT.split(text)  # odd indexes are the UUIDs themselves
    return "".join(p if i % 2 else _mask_numbers(p) for i, p in enumerate(pieces))


def redact_value(value: Any) -> Any:
    """Mask every string and number inside a JSON-like value (keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
        masked = redact(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


class SignInQueryFilter(logging.Filter):
    """The sign-in callback's query (authorization code, state, session) is a credential:
    its access log lines keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) >= 3:  # noqa: PLR2004 - uvicorn's (client, method, path, ...)
            path = args[2]
            if isinstance(path, str) and path.startswith("/auth/") and "?" in path:
                record.args = (*args[:2], path.partition("?")[0] + "?[redacted]", *args[3:])
        return True


class RedactionFilter(logging.Filter):
    """Masks the message (formatted with its args) and the exception text of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, dict):  # a dict message is masked by the formatter
            record.msg = redact(record.getMessage())
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class TraceContextFilter(logging.Filter):
    """Adds ``trace_id`` and ``span_id`` of the span current where the record is made."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = trace.format_trace_id(context.trace_id)
            record.span_id = trace.format_span_id(context.span_id)
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines whose every value (tracebacks and extras too) has been through
    :func:`redact_value`, except the trace ids, which are ours and only hex."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        ordered = {"timestamp": log_data.pop("timestamp", None), **log_data}  # time first
        return {
            redact(key): value if key in _TRACE_FIELDS else redact_value(value)
            for key, value in ordered.items()
        }


def configure_logging(
    service_name: str, level: str = "INFO", *, stream: TextIO | None = None
) -> None:
    """Send every log record as one JSON line to ``stream`` (standard error by default).

    Replaces the root logger's handlers; calling it again reconfigures. ``level``
    is a standard level name (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``).
    """
    levels = logging.getLevelNamesMapping()
    if level.upper() not in levels:
        raise ValueError(f"unknown log level {level!r}; use DEBUG, INFO, WARNING or ERROR")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(TraceContextFilter())
    handler.addFilter(SignInQueryFilter())
    handler.addFilter(RedactionFilter())
    handler.setFormatter(
        RedactingJsonFormatter(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service_name},
            timestamp=True,
            json_ensure_ascii=False,
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        if old.get_name() == HANDLER_NAME:
            old.close()
    root.addHandler(handler)
    root.setLevel(levels[level.upper()])
