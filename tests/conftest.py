"""Test-wide rules: a skipped test is a failed test here.

Integration tests run against the real local stack; a test that skips because a server is
missing would hide exactly the failure we need to see, so every skip is reported as a failure.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest


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
