"""Who reads trafficking cases: trafficking specialists only, whatever else they may read."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

CASE_READER = "trafficking-specialist"


def reads_cases(roles: AbstractSet[str]) -> bool:
    """Whether a caller with these roles may see trafficking case detail."""
    return CASE_READER in roles
