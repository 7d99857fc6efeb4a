"""Which pages belong to which roles: the same rules as the coordination API, so that a person
is offered only the pages the API will answer. The API still decides every read; this table
only keeps people away from pages that would be refused."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from samverkan_common.auth import Principal
from samverkan_common.problems import Forbidden
from samverkan_common.scope import READER_ROLES, readable_districts

SPECIALISTS = frozenset({"specialist", "trafficking-specialist"})
OPERATOR = "operator"
AUDITOR = "auditor"


class Page(enum.StrEnum):
    """The dashboard's pages, in the order of the navigation."""

    OVERVIEW = "overview"
    REFERRALS = "referrals"
    CONSULTATIONS = "consultations"
    ALERTS = "alerts"
    JOURNEY = "journey"
    INDICATORS = "indicators"
    OPERATIONS = "operations"
    AUDIT = "audit"

    @property
    def path(self) -> str:
        return f"/{self.value}"


#: Case pages for the roles that read case data (scoped by organisation in the API); the
#: journey for specialists; k-anonymous indicators for every role of the platform; dead
#: letters and lag for operators; the audit trail for auditors.
PAGE_ROLES: dict[Page, frozenset[str]] = {
    Page.OVERVIEW: READER_ROLES,
    Page.REFERRALS: READER_ROLES,
    Page.CONSULTATIONS: READER_ROLES,
    Page.ALERTS: READER_ROLES,
    Page.JOURNEY: SPECIALISTS,
    Page.INDICATORS: READER_ROLES | {OPERATOR, AUDITOR},
    Page.OPERATIONS: frozenset({OPERATOR}),
    Page.AUDIT: frozenset({AUDITOR}),
}

#: The start page is the first of these that a person may open.
HOME_ORDER = (Page.OVERVIEW, Page.OPERATIONS, Page.AUDIT, Page.INDICATORS)


@dataclass(frozen=True)
class Person:
    """The signed-in person: their verified access token's principal and their name."""

    principal: Principal
    name: str

    @property
    def username(self) -> str:
        return self.principal.username or self.principal.subject

    @property
    def organisation(self) -> str:
        return self.principal.organisation

    @property
    def roles(self) -> frozenset[str]:
        return self.principal.realm_roles

    def districts(self) -> list[str] | None:
        """The districts whose case data this person reads (None: every district), by the
        platform's own rule; an empty list for roles that read no case data."""
        try:
            return readable_districts(self.principal)
        except Forbidden:
            return []

    def may_open(self, page: Page) -> bool:
        return bool(self.roles & PAGE_ROLES[page])

    def pages(self) -> list[Page]:
        return [page for page in Page if self.may_open(page)]

    def home(self) -> Page | None:
        """Where this person starts: the overview for case readers, their own tools for
        operators and auditors (None: the platform has nothing for them)."""
        return next((page for page in HOME_ORDER if self.may_open(page)), None)
