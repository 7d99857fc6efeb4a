"""What a caller may read: its own district, or every district for the central unit."""

from __future__ import annotations

from samverkan_common.auth import Principal
from samverkan_common.authz import CENTRAL_UNIT
from samverkan_common.problems import Forbidden

#: Roles that read case data; operators and auditors read none through the domain services.
READER_ROLES = frozenset(
    {
        "caseworker",
        "district-manager",
        "specialist",
        "trafficking-specialist",
        "school-staff",
        "housing-reporter",
    }
)


def readable_districts(principal: Principal, wanted: str | None = None) -> list[str] | None:
    """The districts the caller may read (None = all), narrowed to ``wanted`` if given.

    The central unit's specialists read across districts; everyone else reads only rows
    that concern their own organisation.
    """
    if not principal.realm_roles & READER_ROLES:
        raise Forbidden("this role reads no case data")
    if principal.organisation == CENTRAL_UNIT and principal.realm_roles & {
        "specialist",
        "trafficking-specialist",
    }:
        return None if wanted is None else [wanted]
    if wanted is not None and wanted != principal.organisation:
        raise Forbidden("you may read only your own organisation's data")
    return [principal.organisation]
