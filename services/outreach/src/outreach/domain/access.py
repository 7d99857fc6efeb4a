"""Who sees what of outreach records beyond the read scope of their organisation."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

#: Roles that see pseudonymous subject references in lists (case work needs them).
SUBJECT_READERS = frozenset({"caseworker", "specialist"})


def shows_subjects(roles: AbstractSet[str]) -> bool:
    """Whether a caller with these roles sees subject references of contacts."""
    return bool(roles & SUBJECT_READERS)


class ReporterMismatchError(Exception):
    """A housing company reports signals only in its own name."""

    def __init__(self, actor: str, reported_by: str) -> None:
        super().__init__(f"{actor} may not report a signal in the name of {reported_by}")


def check_reporter(actor: str, reported_by: str) -> None:
    if actor != reported_by:
        raise ReporterMismatchError(actor, reported_by)
