"""Real tokens from the local Keycloak: machine clients and demo people (development-only
credentials, documented in deploy/keycloak/README.md)."""

from __future__ import annotations

import httpx

from tests.stack import STACK


async def client_token(http: httpx.AsyncClient, client_id: str) -> str:
    """A client-credentials token, e.g. for ``org-kungsholmen`` or ``ops-monitor``."""
    secret = f"dev-{client_id.removeprefix('org-')}-secret"
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return await _token(http, form)


async def org_token(http: httpx.AsyncClient, org: str) -> str:
    """The machine client of one organisation."""
    return await client_token(http, f"org-{org}")


async def person_token(http: httpx.AsyncClient, username: str) -> str:
    """A demo person's token (password grant through the dashboard client, development only)."""
    form = {
        "grant_type": "password",
        "client_id": "samverkan-dashboard",
        "username": username,
        "password": f"demo-{username}",
        "scope": "openid",
    }
    return await _token(http, form)


async def _token(http: httpx.AsyncClient, form: dict[str, str]) -> str:
    response = await http.post(STACK.token_url, data=form)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token
