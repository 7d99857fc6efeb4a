"""Who may read what in the shared view.

* Case views (overview, referrals, consultations, alerts, live updates): the roles that read
  case data; the central unit's specialists read every district, everyone else their own
  organisation (``samverkan_common.scope``). Operators and auditors read none of it.
* A subject's journey: specialists only, trafficking steps only for trafficking specialists,
  and only while the reader's organisation is covered: when the subject has ever recorded a
  consent, an active consent must name the organisation (or it granted the consent), unless a
  referral under a legal basis involves it, or a trafficking specialist reads a subject with a
  trafficking case. A subject who never recorded a consent is shared under the programme's
  remit, and a revoked consent hides the journey from every organisation it covered.
* Indicators (k-anonymous counts): every authenticated role of the platform.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from samverkan_common.auth import Principal

SPECIALIST = "specialist"
TRAFFICKING_SPECIALIST = "trafficking-specialist"
OPERATOR = "operator"
AUDITOR = "auditor"


def is_specialist(principal: Principal) -> bool:
    return bool(principal.realm_roles & {SPECIALIST, TRAFFICKING_SPECIALIST})


def sees_trafficking(principal: Principal) -> bool:
    return TRAFFICKING_SPECIALIST in principal.realm_roles


@dataclass(frozen=True)
class ConsentFacts:
    granting_org: str | None
    recipients: tuple[str, ...]
    given_on: date | None
    valid_until: date | None
    revoked_on: date | None

    def covers(self, organisation: str, today: date) -> bool:
        active = (
            self.revoked_on is None
            and self.given_on is not None
            and self.valid_until is not None
            and self.given_on <= today <= self.valid_until
        )
        return active and (organisation in self.recipients or organisation == self.granting_org)


def journey_covered(  # noqa: PLR0913 - keyword-only facts of one decision
    organisation: str,
    *,
    consents: Iterable[ConsentFacts],
    legal_basis_parties: Iterable[str],
    has_trafficking_case: bool,
    trafficking_reader: bool,
    today: date,
) -> bool:
    """Whether ``organisation`` may see the subject's journey now."""
    consents = list(consents)
    if not consents or any(c.covers(organisation, today) for c in consents):
        return True
    if organisation in set(legal_basis_parties):
        return True
    return has_trafficking_case and trafficking_reader
