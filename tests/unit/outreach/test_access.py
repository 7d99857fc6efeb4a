"""Who sees subject references, and in whose name a housing signal is reported."""

from __future__ import annotations

import pytest
from outreach.domain.access import ReporterMismatchError, check_reporter, shows_subjects


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        ({"system", "caseworker", "district-manager"}, True),
        ({"specialist"}, True),
        ({"specialist", "trafficking-specialist"}, True),
        ({"district-manager"}, False),
        ({"trafficking-specialist"}, False),
        ({"school-staff"}, False),
        ({"housing-reporter", "system"}, False),
        ({"operator"}, False),
        (set(), False),
    ],
)
def test_subject_references_only_for_case_work(roles: set[str], *, shown: bool) -> None:
    assert shows_subjects(frozenset(roles)) is shown


def test_a_company_reports_in_its_own_name() -> None:
    check_reporter("stockholmshem", "stockholmshem")


def test_a_company_does_not_report_for_another() -> None:
    with pytest.raises(ReporterMismatchError):
        check_reporter("familjebostader", "stockholmshem")
