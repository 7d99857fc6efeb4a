"""Trafficking case detail is for trafficking specialists only."""

from __future__ import annotations

import pytest
from trafficking.domain.access import reads_cases


@pytest.mark.parametrize(
    ("roles", "reads"),
    [
        ({"specialist", "trafficking-specialist"}, True),
        ({"system", "specialist", "trafficking-specialist"}, True),
        ({"trafficking-specialist"}, True),
        ({"specialist"}, False),
        ({"caseworker", "district-manager"}, False),
        ({"housing-reporter"}, False),
        ({"operator"}, False),
        ({"auditor"}, False),
        (set(), False),
    ],
)
def test_only_trafficking_specialists_read_cases(roles: set[str], *, reads: bool) -> None:
    assert reads_cases(frozenset(roles)) is reads
