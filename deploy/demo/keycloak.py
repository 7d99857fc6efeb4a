"""Tokens of the organisations' machine clients from the local Keycloak (client credentials).

DEVELOPMENT ONLY: the clients ``org-<code>`` and their secrets ``dev-<code>-secret`` exist
only in the local realm (deploy/keycloak/README.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

REALM = "samverkan"


def token_url(keycloak: str) -> str:
    """The realm's token endpoint on a Keycloak server (``http://127.0.0.1:18080``)."""
    return f"{keycloak.rstrip('/')}/realms/{REALM}/protocol/openid-connect/token"


@dataclass
class MachineTokens:
    """Each organisation's token, fetched once and reused until shortly before it expires."""

    http: httpx.AsyncClient
    url: str
    _cache: dict[str, tuple[str, float]] = field(default_factory=dict)

    async def __call__(self, org: str) -> str:
        token, fresh_until = self._cache.get(org, ("", 0.0))
        if time.monotonic() < fresh_until:
            return token
        form = {
            "grant_type": "client_credentials",
            "client_id": f"org-{org}",
            "client_secret": f"dev-{org}-secret",
        }
        try:
            response = await self.http.post(self.url, data=form)
        except httpx.TransportError as error:
            raise RuntimeError(f"cannot reach Keycloak at {self.url}: {error}") from None
        if response.status_code != httpx.codes.OK:
            raise RuntimeError(
                f"Keycloak refused a token for org-{org}: {response.status_code} {response.text}"
            )
        body = response.json()
        token = str(body["access_token"])
        self._cache[org] = token, time.monotonic() + float(body["expires_in"]) - 30
        return token
