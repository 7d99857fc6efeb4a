"""Test-wide rules: tests use the stack's ports, and a skipped test is a failed test here.

Integration tests run against the real local stack; a test that skips because a server is
missing would hide exactly the failure we need to see, so every skip is reported as a failure.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

from samverkan_common.logging import configure_logging
from tests.stack import SERVICES, STACK
from tests.support.processes import STARTED

# Every service's settings point at the stack the tests run against (CI uses its own ports),
# so that `Settings()` inside any test finds the real servers.
for _service in SERVICES:
    _prefix = _service.upper()
    os.environ.setdefault(f"{_prefix}_DATABASE_PORT", str(STACK.pg_port))
    os.environ.setdefault(f"{_prefix}_KAFKA_BOOTSTRAP", STACK.kafka_bootstrap)
    os.environ.setdefault(f"{_prefix}_KEYCLOAK_ISSUER", STACK.issuer)


#: Every log record of this test run, as the services write them (JSON, redacted), for the
#: scan in tests/zz_logs.
RUN_LOG = Path(__file__).parents[1] / "var" / "log" / "test-run.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    del config
    RUN_LOG.parent.mkdir(parents=True, exist_ok=True)
    configure_logging("tests", "INFO", stream=RUN_LOG.open("w", encoding="utf-8"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """No service process a test started outlives the run, whatever happened to its test."""
    del session
    for proc in STARTED:
        proc.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    del item, call
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures in Samverkan: {report.longrepr}"
    return report
