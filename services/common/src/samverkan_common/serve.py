"""Run a service's ASGI app as a process: JSON logs, OpenTelemetry from ``OTEL_*``, uvicorn
(with uvloop and httptools, which it picks up when installed, as they are)."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from samverkan_common import heap
from samverkan_common.logging import configure_logging
from samverkan_common.telemetry import setup_telemetry


def serve(name: str, make_app: Callable[[], FastAPI], host: str, port: int) -> None:
    """Serve until SIGTERM/SIGINT; the last spans are flushed on the way out."""
    configure_logging(name)
    provider = setup_telemetry(name)
    app = make_app()
    heap.settle()
    try:
        # open streams (server-sent events) end after 10 s; they do not hold the shutdown
        uvicorn.run(app, host=host, port=port, log_config=None, timeout_graceful_shutdown=10)
    finally:
        provider.shutdown()
