"""Who is calling, as read from a verified Keycloak access token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """The verified caller. Built only by `TokenVerifier.verify`."""

    subject: str
    """`sub`: the Keycloak user id (a UUID, also for service accounts)."""
    client_id: str
    """`azp`: the client the token was issued to."""
    username: str | None
    """`preferred_username`, when the token carries one."""
    organisation: str
    """`org`: the organisation code of the caller (required)."""
    realm_roles: frozenset[str]
    """`realm_access.roles`; empty when the token carries none."""
    expires_at: datetime
    """`exp` as an aware UTC datetime."""
