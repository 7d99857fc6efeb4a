"""The Keycloak that the local stack started is real, holds the city's organisations, and its
tokens verify locally against the realm's JWKS with the organisation and roles we rely on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from samverkan_common.auth import TokenVerifier, VerifierConfig
from samverkan_contracts.organisations import load_organisations
from tests.stack import STACK

AUDIENCE = "samverkan-treatment"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def token(http: httpx.AsyncClient, form: dict[str, str]) -> str:
    response = await http.post(STACK.token_url, data=form)
    response.raise_for_status()
    access: str = response.json()["access_token"]
    return access


def client_credentials(org: str) -> dict[str, str]:
    """Development-only secrets, documented in deploy/keycloak/README.md."""
    return {
        "grant_type": "client_credentials",
        "client_id": f"org-{org}",
        "client_secret": f"dev-{org}-secret",
    }


async def test_machine_client_token_carries_its_organisation(http: httpx.AsyncClient) -> None:
    verifier = TokenVerifier(
        VerifierConfig.for_keycloak(issuer=STACK.issuer, audience=AUDIENCE), http
    )
    principal = await verifier.verify(await token(http, client_credentials("kungsholmen")))
    assert principal.organisation == "kungsholmen"
    assert principal.client_id == "org-kungsholmen"
    assert {"system", "caseworker"} <= principal.realm_roles
    assert "trafficking-specialist" not in principal.realm_roles


async def test_other_audiences_and_organisations(http: httpx.AsyncClient) -> None:
    verifier = TokenVerifier(
        VerifierConfig.for_keycloak(issuer=STACK.issuer, audience="samverkan-coordination"), http
    )
    principal = await verifier.verify(await token(http, client_credentials("socialtjanst")))
    assert principal.organisation == "socialtjanst"
    assert "trafficking-specialist" in principal.realm_roles


async def test_demo_person_token_carries_role_and_organisation(http: httpx.AsyncClient) -> None:
    form = {
        "grant_type": "password",
        "client_id": "samverkan-dashboard",
        "username": "karin.kungsholmen",
        "password": "demo-karin.kungsholmen",
        "scope": "openid",
    }
    verifier = TokenVerifier(
        VerifierConfig.for_keycloak(issuer=STACK.issuer, audience=AUDIENCE), http
    )
    principal = await verifier.verify(await token(http, form))
    assert principal.username == "karin.kungsholmen"
    assert principal.organisation == "kungsholmen"
    assert "caseworker" in principal.realm_roles


async def test_wrong_secret_is_refused(http: httpx.AsyncClient) -> None:
    form = client_credentials("kungsholmen") | {"client_secret": "not-the-secret"}
    response = await http.post(STACK.token_url, data=form)
    assert response.status_code == 401


async def test_realm_holds_every_organisation_of_the_data_file(http: httpx.AsyncClient) -> None:
    admin_token = await admin(http)
    groups = await http.get(
        f"http://127.0.0.1:{STACK.keycloak_port}/admin/realms/samverkan/groups",
        params={"briefRepresentation": "false", "max": "1000"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    groups.raise_for_status()
    codes = {g["attributes"]["code"][0] for g in groups.json() if "code" in g.get("attributes", {})}
    expected = {org.code for org in load_organisations()}
    assert len(expected) == 23
    assert codes == expected


async def admin(http: httpx.AsyncClient) -> str:
    """A token of the development-only bootstrap admin of the master realm."""
    master = f"http://127.0.0.1:{STACK.keycloak_port}/realms/master/protocol/openid-connect/token"
    form = {
        "grant_type": "password",
        "client_id": "admin-cli",
        "username": "admin",
        "password": "admin",
    }
    response = await http.post(master, data=form)
    response.raise_for_status()
    access: str = response.json()["access_token"]
    return access
