"""The organisations taking part in the programme, loaded as data.

District boundaries change (18 districts in 2006, 14 in 2007, 13 in 2020), so
organisations are never an enum in code: they live in ``organisations.yaml``
beside this module. A code that events have used must never be deleted from
that file, or old events (and the golden samples) stop validating on replay;
mark a retired organisation with ``retired_on: <date>`` instead.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

#: The shape of an organisation code: lower-case ASCII words joined by hyphens.
ORGANISATION_CODE_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

_SECTIONS = {"districts": "district", "central": "central", "companies": "company"}


class OrganisationKind(enum.StrEnum):
    """What kind of body an organisation is."""

    DISTRICT = "district"
    CENTRAL = "central"
    COMPANY = "company"


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation: a district council, a central committee or a housing company."""

    code: str
    name: str
    kind: OrganisationKind
    role: str | None = None
    retired_on: date | None = None


@dataclass(frozen=True, slots=True)
class Organisations:
    """The organisations and programme areas, indexed by code."""

    by_code: Mapping[str, Organisation]
    programme_areas: Mapping[str, str]

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self.by_code.values())

    @property
    def codes(self) -> frozenset[str]:
        """Every organisation code, retired ones included."""
        return frozenset(self.by_code)

    def get(self, code: str) -> Organisation | None:
        """The organisation with this code, or None."""
        return self.by_code.get(code)

    def of_kind(self, kind: OrganisationKind) -> tuple[Organisation, ...]:
        """The organisations of one kind, in file order."""
        return tuple(org for org in self if org.kind is kind)


def parse_organisations(document: Mapping[str, Any]) -> Organisations:
    """Build the index from a parsed organisations document; raise ValueError if malformed."""
    by_code: dict[str, Organisation] = {}
    for section, kind in _SECTIONS.items():
        for entry in document.get(section) or ():
            org = Organisation(
                code=str(entry["code"]),
                name=str(entry["name"]),
                kind=OrganisationKind(kind),
                role=entry.get("role"),
                retired_on=entry.get("retired_on"),
            )
            if org.code in by_code:
                raise ValueError(f"duplicate organisation code {org.code!r}")
            by_code[org.code] = org
    areas = {str(a["code"]): str(a["name"]) for a in document.get("programme_areas") or ()}
    if not by_code:
        raise ValueError("the organisations document lists no organisations")
    return Organisations(by_code=by_code, programme_areas=areas)


@cache
def load_organisations() -> Organisations:
    """The organisations shipped with this package (read once, then cached)."""
    text = resources.files("samverkan_contracts").joinpath("organisations.yaml").read_text("utf-8")
    return parse_organisations(yaml.safe_load(text))


def is_known_organisation(code: str) -> bool:
    """True when the code names an organisation in the shipped data."""
    return code in load_organisations()
