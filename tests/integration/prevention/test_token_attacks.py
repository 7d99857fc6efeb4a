"""Every JWT attack of the reliability anchors, over HTTP, answered 401 by a real service.

Attacks that need no trusted key are made from the real realm's tokens and JWKS. Attacks on
claims (expiry, not-before, issuer, audience) need a signature the service trusts, so a
second app instance trusts a local test key instead of the realm, and first proves that a
well-formed token signed with it is accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from prevention.app import create_app
from prevention.settings import Settings

from samverkan_common.auth import TokenVerifier, VerifierConfig
from tests.stack import STACK
from tests.support.apps import running, settings_for
from tests.support.events import STRUCTURED, sample
from tests.support.tokens import org_token, person_token

AUDIENCE = "samverkan-prevention"
EVENT_TYPE = "se.stockholm.samverkan.prevention.activity.held.v1"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def part(value: dict[str, Any]) -> str:
    return b64(json.dumps(value).encode())


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return unb64(header), unb64(payload)


def unb64(segment: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded


def event(district: str = "kista") -> dict[str, Any]:
    e = sample(EVENT_TYPE)
    e["district"] = district
    e["data"]["activity_id"] = e["subject"] = str(uuid.uuid4())
    return e


async def post(service: httpx.AsyncClient, token: str) -> httpx.Response:
    headers = STRUCTURED | {"authorization": f"Bearer {token}"}
    return await service.post("/events", json=event(), headers=headers)


FOREIGN = rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def test_attacks_with_the_realms_tokens(
    service: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    real = await org_token(http, "kista")
    assert (await post(service, real)).status_code == 202  # the baseline is accepted
    header, claims = segments(real)
    jwks = (await http.get(f"{STACK.issuer}/protocol/openid-connect/certs")).json()
    realm_key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public_pem = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(realm_key)).public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT', 'kid': header['kid']})}.{part(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    hs_confused = f"{signing_input}.{b64(mac)}"

    def foreign(headers: dict[str, Any], body: dict[str, Any] = claims) -> str:
        return jwt.encode(body, FOREIGN, algorithm="RS256", headers=headers)

    h, _, s = real.split(".")
    tampered = f"{h}.{part(claims | {'org': 'rinkeby'})}.{s}"
    person = await http.post(
        STACK.token_url,
        data={
            "grant_type": "password",
            "client_id": "samverkan-dashboard",
            "username": "karin.kungsholmen",
            "password": "demo-karin.kungsholmen",
            "scope": "openid",
        },
    )
    tokens = person.json()
    master = await http.post(
        f"http://127.0.0.1:{STACK.keycloak_port}/realms/master/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "admin",
            "password": "admin",
        },
    )
    attacks = {
        **{
            f"alg {alg}": f"{part(header | {'alg': alg})}.{part(claims)}."
            for alg in ("none", "None", "NONE", "nOnE")
        },
        "RS256 to HS256 key confusion": hs_confused,
        "foreign key, realm kid": foreign({"kid": header["kid"]}),
        "unknown kid": foreign({"kid": "not-a-realm-key"}),
        "injected kid (path)": foreign({"kid": "../../../../dev/null"}),
        "injected kid (sql)": foreign({"kid": "x' OR '1'='1"}),
        "jku header": foreign({"kid": header["kid"], "jku": "http://127.0.0.1:1/jwks"}),
        "x5u header": foreign({"kid": header["kid"], "x5u": "http://127.0.0.1:1/cert"}),
        "embedded jwk": foreign(
            {
                "kid": header["kid"],
                "jwk": json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(FOREIGN.public_key())),
            }
        ),
        "tampered payload": tampered,
        "oversized": f"{h}.{part(claims | {'pad': 'x' * 20_000})}.{s}",
        "refresh token": tokens["refresh_token"],
        "id token": tokens["id_token"],
        "another realm's token": master.json()["access_token"],
        "garbage": "not.a.token",
    }
    for name, token in attacks.items():
        response = await post(service, token)
        assert response.status_code == 401, name
        assert response.json()["type"].endswith("/unauthenticated"), name
    # the people's token itself is a valid access token for its own organisation
    assert (await person_token(http, "karin.kungsholmen")).count(".") == 2


@pytest.fixture(scope="module")
async def trusting_local_key() -> AsyncIterator[tuple[httpx.AsyncClient, rsa.RSAPrivateKey]]:
    """A prevention app whose verifier trusts a local key (served as its JWKS)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = {"keys": [jwk | {"kid": "local", "alg": "RS256", "use": "sig"}]}
    app = create_app(settings_for(Settings))
    certs = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=jwks))
    )
    async with running(app) as client:
        app.state.verifier = TokenVerifier(
            VerifierConfig.for_keycloak(issuer=STACK.issuer, audience=AUDIENCE), certs
        )
        yield client, key
    await certs.aclose()


def minted(key: rsa.RSAPrivateKey, **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": STACK.issuer,
        "aud": [AUDIENCE],
        "sub": str(uuid.uuid4()),
        "azp": "org-kista",
        "typ": "Bearer",
        "org": "kista",
        "realm_access": {"roles": ["caseworker"]},
        "iat": now,
        "exp": now + 300,
    }
    for name, value in changes.items():
        if value is None:
            claims.pop(name)
        else:
            claims[name] = value
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "local"})


async def test_attacks_on_claims(
    trusting_local_key: tuple[httpx.AsyncClient, rsa.RSAPrivateKey],
) -> None:
    service, key = trusting_local_key
    now = int(time.time())
    assert (await post(service, minted(key))).status_code == 202
    attacks = {
        "expired": minted(key, iat=now - 900, exp=now - 600),
        "not yet valid": minted(key, nbf=now + 600),
        "missing exp": minted(key, exp=None),
        "wrong issuer": minted(key, iss="http://127.0.0.1:18080/realms/evil"),
        "wrong audience": minted(key, aud=["samverkan-treatment"]),
        "not an access token": minted(key, typ="ID"),
        "no organisation": minted(key, org=None),
    }
    for name, token in attacks.items():
        assert (await post(service, token)).status_code == 401, name
