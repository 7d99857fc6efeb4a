"""TokenVerifier against a fake Keycloak certs endpoint: the valid path and known JWT attacks.

The realm's keys are generated here; the JWKS is served through httpx.MockTransport
by a fake that counts fetches and records every URL it was asked for.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from samverkan_common.auth import (
    InvalidToken,
    InvalidTokenReason,
    Principal,
    TokenVerifier,
    VerifierConfig,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

Reason = InvalidTokenReason
ISSUER = "http://127.0.0.1:18080/realms/samverkan"
JWKS_URL = ISSUER + "/protocol/openid-connect/certs"
AUDIENCE = "samverkan-treatment"
DROP = object()  # claim override meaning "leave this claim out"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64url(json.dumps(value).encode())


@dataclass(frozen=True)
class RealmKey:
    """An RSA key pair as the realm would hold it."""

    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls, kid: str) -> RealmKey:
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        return {
            "kid": self.kid,
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "n": b64url(n),
            "e": b64url(e),
        }

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], **headers: Any) -> str:
        return jwt.encode(
            claims, self.private, algorithm="RS256", headers={"kid": self.kid, **headers}
        )


@dataclass
class FakeCertsEndpoint:
    """Keycloak's certs endpoint: serves the JWKS, counts fetches, records every URL asked for."""

    keys: list[RealmKey]
    status: int = 200
    fetches: int = 0
    urls: list[str] = field(default_factory=list)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        await asyncio.sleep(0)  # let concurrent callers pile up, as a real fetch would
        if str(request.url) != JWKS_URL:
            return httpx.Response(404)
        self.fetches += 1
        if self.status != 200:
            return httpx.Response(self.status)
        # Keycloak also publishes an encryption key; the verifier must never use it.
        jwks = [key.jwk() for key in self.keys]
        enc = [{**jwk, "kid": "enc-key", "use": "enc", "alg": "RSA-OAEP"} for jwk in jwks[:1]]
        return httpx.Response(200, json={"keys": enc + jwks})


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def access_claims(**overrides: Any) -> dict[str, Any]:
    """A Keycloak access token for the treatment service; DROP removes a claim."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": [AUDIENCE, "account"],
        "sub": "6f1c2a4e-0d7b-4c57-9a43-2f3e1c0b9d11",
        "azp": "org-kungsholmen",
        "typ": "Bearer",
        "iat": now,
        "exp": now + 300,
        "preferred_username": "service-account-org-kungsholmen",
        "org": "kungsholmen",
        "realm_access": {"roles": ["system", "caseworker", "default-roles-samverkan"]},
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not DROP}


def compact(header: dict[str, Any], claims: dict[str, Any], signature: bytes) -> str:
    return f"{b64json(header)}.{b64json(claims)}.{b64url(signature)}"


@pytest.fixture(scope="session")
def realm_key() -> RealmKey:
    return RealmKey.generate("realm-key-1")


@pytest.fixture(scope="session")
def next_key() -> RealmKey:
    return RealmKey.generate("realm-key-2")


@pytest.fixture(scope="session")
def foreign_key(realm_key: RealmKey) -> RealmKey:
    """An attacker's key that claims the realm key's kid."""
    return RealmKey.generate(realm_key.kid)


@pytest.fixture
def endpoint(realm_key: RealmKey) -> FakeCertsEndpoint:
    return FakeCertsEndpoint(keys=[realm_key])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def verifier(endpoint: FakeCertsEndpoint, clock: FakeClock) -> AsyncIterator[TokenVerifier]:
    config = VerifierConfig.for_keycloak(issuer=ISSUER, audience=AUDIENCE)
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as http:
        yield TokenVerifier(config, http, clock=clock)


async def refused(verifier: TokenVerifier, token: str) -> Reason:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    return caught.value.reason


# --- the valid path ---------------------------------------------------------------


async def test_valid_access_token_maps_to_principal(
    verifier: TokenVerifier, realm_key: RealmKey, endpoint: FakeCertsEndpoint
) -> None:
    assert endpoint.fetches == 0  # nothing connects at construction
    claims = access_claims()
    principal = await verifier.verify(realm_key.sign(claims))
    assert principal == Principal(
        subject="6f1c2a4e-0d7b-4c57-9a43-2f3e1c0b9d11",
        client_id="org-kungsholmen",
        username="service-account-org-kungsholmen",
        organisation="kungsholmen",
        realm_roles=frozenset({"system", "caseworker", "default-roles-samverkan"}),
        expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
    )
    assert endpoint.urls == [JWKS_URL]


async def test_optional_claims_may_be_absent_and_aud_may_be_a_string(
    verifier: TokenVerifier, realm_key: RealmKey
) -> None:
    token = realm_key.sign(access_claims(aud=AUDIENCE, preferred_username=DROP, realm_access=DROP))
    principal = await verifier.verify(token)
    assert principal.username is None
    assert principal.realm_roles == frozenset()


async def test_expiry_within_leeway_is_accepted(
    verifier: TokenVerifier, realm_key: RealmKey
) -> None:
    now = int(time.time())
    await verifier.verify(realm_key.sign(access_claims(iat=now - 300, exp=now - 3)))


# --- attacks on the header ----------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_unsigned_alg_none_is_refused(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey, alg: str
) -> None:
    header = {"alg": alg, "typ": "JWT", "kid": realm_key.kid}
    unsigned = compact(header, access_claims(), b"")
    assert await refused(verifier, unsigned) is Reason.MALFORMED_TOKEN
    with_junk_signature = compact(header, access_claims(), b"x")
    assert await refused(verifier, with_junk_signature) is Reason.ALGORITHM_NOT_ALLOWED
    assert endpoint.fetches == 0


@pytest.mark.parametrize(("alg", "digest"), [("HS256", hashlib.sha256), ("HS512", hashlib.sha512)])
async def test_rs_to_hs_key_confusion_is_refused(
    verifier: TokenVerifier, realm_key: RealmKey, alg: str, digest: Any
) -> None:
    claims = access_claims()
    signing_input = f"{b64json({'alg': alg, 'typ': 'JWT', 'kid': realm_key.kid})}.{b64json(claims)}"
    mac = hmac.new(realm_key.public_pem(), signing_input.encode(), digest).digest()
    assert await refused(verifier, f"{signing_input}.{b64url(mac)}") is Reason.ALGORITHM_NOT_ALLOWED


async def test_hmac_signature_under_an_rs256_header_is_refused(
    verifier: TokenVerifier, realm_key: RealmKey
) -> None:
    signing_input = f"{b64json({'alg': 'RS256', 'kid': realm_key.kid})}.{b64json(access_claims())}"
    mac = hmac.new(realm_key.public_pem(), signing_input.encode(), hashlib.sha256).digest()
    assert await refused(verifier, f"{signing_input}.{b64url(mac)}") is Reason.BAD_SIGNATURE


async def test_foreign_key_with_the_realm_kid_is_refused(
    verifier: TokenVerifier, foreign_key: RealmKey
) -> None:
    assert await refused(verifier, foreign_key.sign(access_claims())) is Reason.BAD_SIGNATURE


@pytest.mark.parametrize("header", ["jku", "x5u", "jwk", "x5c"])
async def test_headers_that_point_at_or_carry_keys_are_refused(
    verifier: TokenVerifier,
    endpoint: FakeCertsEndpoint,
    foreign_key: RealmKey,
    realm_key: RealmKey,
    header: str,
) -> None:
    values: dict[str, Any] = {
        "jku": "https://attacker.example/jwks.json",
        "x5u": "https://attacker.example/cert.pem",
        "jwk": foreign_key.jwk(),
        "x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"],
    }
    # Signed with the real key: even a correct signature does not excuse the header.
    token = realm_key.sign(access_claims(), **{header: values[header]})
    assert await refused(verifier, token) is Reason.FORBIDDEN_HEADER
    assert endpoint.urls == []  # the attacker's URL was never fetched


@pytest.mark.parametrize(
    "kid",
    ["../../../../etc/passwd", "' OR '1'='1", "k; DROP TABLE keys;--", "k\u0000", "", "a" * 1000],
)
async def test_injected_kid_is_refused_without_fetching(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey, kid: str
) -> None:
    signing_input = f"{b64json({'alg': 'RS256', 'kid': kid})}.{b64json(access_claims())}"
    token = f"{signing_input}.{b64url(b'signature')}"
    assert await refused(verifier, token) is Reason.INVALID_KID
    assert await refused(verifier, realm_key.sign(access_claims(), kid=kid)) is Reason.INVALID_KID
    assert endpoint.fetches == 0


@pytest.mark.parametrize(
    ("kid", "reason"), [(None, Reason.INVALID_KID), (7, Reason.MALFORMED_TOKEN)]
)
async def test_missing_or_non_string_kid_is_refused(
    verifier: TokenVerifier, kid: object, reason: Reason
) -> None:
    header = {"alg": "RS256"} if kid is None else {"alg": "RS256", "kid": kid}
    assert await refused(verifier, compact(header, access_claims(), b"signature")) is reason


async def test_unknown_kid_refetches_at_most_once_per_window(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey, clock: FakeClock
) -> None:
    stranger = RealmKey(kid="not-in-the-realm", private=realm_key.private)
    await verifier.verify(realm_key.sign(access_claims()))
    assert endpoint.fetches == 1
    assert await refused(verifier, stranger.sign(access_claims())) is Reason.UNKNOWN_KID
    assert endpoint.fetches == 1  # fetched moments ago: no refetch inside the window
    clock.advance(11)
    for _ in range(5):
        assert await refused(verifier, stranger.sign(access_claims())) is Reason.UNKNOWN_KID
    assert endpoint.fetches == 2  # one refetch for the whole burst
    clock.advance(11)
    tokens = [RealmKey(kid=f"made-up-{i}", private=realm_key.private) for i in range(20)]
    results = await asyncio.gather(
        *(verifier.verify(key.sign(access_claims())) for key in tokens), return_exceptions=True
    )
    assert all(isinstance(result, InvalidToken) for result in results)
    assert endpoint.fetches == 3  # concurrent callers shared one fetch


# --- attacks on the claims ----------------------------------------------------------


def _now() -> int:
    return int(time.time())


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": _now() - 3600, "iat": _now() - 7200}, Reason.EXPIRED),
        ({"nbf": _now() + 3600}, Reason.NOT_YET_VALID),
        ({"iat": _now() + 3600, "exp": _now() + 7200}, Reason.NOT_YET_VALID),
        ({"exp": DROP}, Reason.MISSING_CLAIM),
        ({"iat": DROP}, Reason.MISSING_CLAIM),
        ({"aud": DROP}, Reason.MISSING_CLAIM),
        ({"iss": "http://127.0.0.1:18080/realms/other"}, Reason.WRONG_ISSUER),
        ({"iss": ISSUER + "/"}, Reason.WRONG_ISSUER),
        ({"aud": "samverkan-outreach"}, Reason.WRONG_AUDIENCE),
        ({"aud": ["account", "samverkan-treatment-admin"]}, Reason.WRONG_AUDIENCE),
        ({"typ": "ID"}, Reason.NOT_ACCESS_TOKEN),
        ({"typ": "Refresh"}, Reason.NOT_ACCESS_TOKEN),
        ({"typ": "bearer"}, Reason.NOT_ACCESS_TOKEN),
        ({"typ": DROP}, Reason.NOT_ACCESS_TOKEN),
        ({"org": DROP}, Reason.MISSING_ORG),
        ({"org": ""}, Reason.MISSING_ORG),
        ({"org": ["kungsholmen"]}, Reason.MISSING_ORG),
        ({"azp": DROP}, Reason.INVALID_CLAIMS),
        ({"realm_access": {"roles": "admin"}}, Reason.INVALID_CLAIMS),
    ],
    ids=lambda value: str(value)[:40],
)
async def test_claims_that_fail_policy_are_refused(
    verifier: TokenVerifier, realm_key: RealmKey, overrides: dict[str, Any], reason: Reason
) -> None:
    assert await refused(verifier, realm_key.sign(access_claims(**overrides))) is reason


async def test_tampered_payload_is_refused(verifier: TokenVerifier, realm_key: RealmKey) -> None:
    header, _, signature = realm_key.sign(access_claims()).split(".")
    forged = access_claims(org="polisen", realm_access={"roles": ["admin"]})
    assert (
        await refused(verifier, f"{header}.{b64json(forged)}.{signature}") is Reason.BAD_SIGNATURE
    )


async def test_oversized_token_is_refused_before_parsing(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey
) -> None:
    token = realm_key.sign(access_claims(padding="x" * 9000))
    assert await refused(verifier, token) is Reason.TOKEN_TOO_LARGE
    assert await refused(verifier, "é" * 100_000) is Reason.TOKEN_TOO_LARGE
    assert endpoint.fetches == 0


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "abc.def", "a.b.c.d", "a..c", "é.é.é", "YWJj.YWJj.YWJj", " a.b.c", "a.b.c\n"],
)
async def test_malformed_strings_are_refused(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, token: str
) -> None:
    assert await refused(verifier, token) is Reason.MALFORMED_TOKEN
    assert endpoint.fetches == 0


@pytest.mark.parametrize("overrides", [{"org": DROP}, {"exp": _now() - 3600}, {"aud": "x"}])
async def test_refusal_never_echoes_the_token(
    verifier: TokenVerifier, realm_key: RealmKey, overrides: dict[str, Any]
) -> None:
    secret = "Anna Andersson 19850101-1234"
    token = realm_key.sign(access_claims(note=secret, **overrides))
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    error = caught.value
    assert secret not in repr(error)
    assert token not in repr(error)
    assert str(error) == error.reason.value
    # pyjwt's own error (which may quote header or claim values) is not chained.
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


# --- the key cache ------------------------------------------------------------------


async def test_jwks_is_fetched_once_for_many_tokens(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey
) -> None:
    tokens = [realm_key.sign(access_claims(sub=f"user-{i}")) for i in range(50)]
    await asyncio.gather(*(verifier.verify(token) for token in tokens))  # cold start, concurrent
    for token in tokens:
        await verifier.verify(token)
    assert endpoint.fetches == 1


async def test_cached_key_verifies_in_a_loop(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey
) -> None:
    token = realm_key.sign(access_claims())
    first = await verifier.verify(token)
    for _ in range(200):
        assert await verifier.verify(token) == first
    assert endpoint.fetches == 1


async def test_rotated_key_is_picked_up_after_refetch(
    verifier: TokenVerifier,
    endpoint: FakeCertsEndpoint,
    realm_key: RealmKey,
    next_key: RealmKey,
    clock: FakeClock,
) -> None:
    await verifier.verify(realm_key.sign(access_claims()))
    endpoint.keys.append(next_key)  # Keycloak adds a new active key
    clock.advance(11)
    await verifier.verify(next_key.sign(access_claims()))
    assert endpoint.fetches == 2
    endpoint.keys.remove(realm_key)  # ... and later drops the old one
    clock.advance(601)  # the cached set has aged out
    assert await refused(verifier, realm_key.sign(access_claims())) is Reason.UNKNOWN_KID
    assert endpoint.fetches == 3


async def test_keycloak_outage_keeps_known_keys_and_recovers(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey, clock: FakeClock
) -> None:
    endpoint.status = 503
    assert await refused(verifier, realm_key.sign(access_claims())) is Reason.KEYS_UNAVAILABLE
    assert await refused(verifier, realm_key.sign(access_claims())) is Reason.KEYS_UNAVAILABLE
    assert endpoint.fetches == 1  # failed attempts are rate-limited too
    clock.advance(11)
    endpoint.status = 200
    await verifier.verify(realm_key.sign(access_claims()))
    endpoint.status = 500
    clock.advance(601)
    await verifier.verify(realm_key.sign(access_claims()))  # stale keys beat no keys
    assert endpoint.fetches == 3


async def test_a_jwks_without_signing_keys_does_not_replace_known_keys(
    verifier: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey, clock: FakeClock
) -> None:
    await verifier.verify(realm_key.sign(access_claims()))
    endpoint.keys.clear()
    clock.advance(601)
    await verifier.verify(realm_key.sign(access_claims()))
    assert endpoint.fetches == 2


async def test_callers_waiting_on_a_fetch_reuse_its_result(
    endpoint: FakeCertsEndpoint, realm_key: RealmKey
) -> None:
    # Without a rate limit, only the lock keeps a cold start to one fetch.
    config = replace(
        VerifierConfig.for_keycloak(issuer=ISSUER, audience=AUDIENCE), jwks_min_refetch_seconds=0
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as http:
        verifier = TokenVerifier(config, http)
        token = realm_key.sign(access_claims())
        await asyncio.gather(*(verifier.verify(token) for _ in range(20)))
    assert endpoint.fetches == 1


# --- remembered tokens --------------------------------------------------------------
# A remembered token is answered with the very principal its first check made; a checked
# one gets a new principal. So `is` tells whether the signature was checked again.


@pytest.fixture
def wall_clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture
async def remembering(
    endpoint: FakeCertsEndpoint, clock: FakeClock, wall_clock: FakeClock
) -> AsyncIterator[TokenVerifier]:
    config = replace(
        VerifierConfig.for_keycloak(issuer=ISSUER, audience=AUDIENCE), verified_tokens=2
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as http:
        yield TokenVerifier(config, http, clock=clock, wall_clock=wall_clock)


async def test_a_verified_token_is_remembered_until_its_expiry(
    remembering: TokenVerifier, realm_key: RealmKey, wall_clock: FakeClock
) -> None:
    token = realm_key.sign(access_claims(exp=_now() + 60))
    first = await remembering.verify(token)
    assert await remembering.verify(token) is first
    wall_clock.advance(61)  # past `exp` by the service's clock (pyjwt still accepts it)
    again = await remembering.verify(token)
    assert again == first
    assert again is not first


async def test_a_token_accepted_within_the_leeway_is_not_remembered(
    remembering: TokenVerifier, realm_key: RealmKey
) -> None:
    token = realm_key.sign(access_claims(iat=_now() - 300, exp=_now() - 3))
    first = await remembering.verify(token)
    assert await remembering.verify(token) is not first


async def test_remembered_tokens_are_bounded_oldest_first(
    remembering: TokenVerifier, realm_key: RealmKey
) -> None:
    tokens = [realm_key.sign(access_claims(sub=f"user-{i}")) for i in range(3)]
    first = [await remembering.verify(token) for token in tokens]
    assert await remembering.verify(tokens[2]) is first[2]
    assert await remembering.verify(tokens[1]) is first[1]
    assert await remembering.verify(tokens[0]) is not first[0]  # forgotten for the third


async def test_a_remembered_token_is_refused_once_its_key_left_the_realm(
    remembering: TokenVerifier,
    endpoint: FakeCertsEndpoint,
    realm_key: RealmKey,
    next_key: RealmKey,
    clock: FakeClock,
) -> None:
    token = realm_key.sign(access_claims())
    await remembering.verify(token)
    endpoint.keys[:] = [next_key]
    clock.advance(601)  # the key set ages out and is fetched again, without the old key
    assert await refused(remembering, token) is Reason.UNKNOWN_KID


async def test_a_refetched_key_set_checks_remembered_tokens_again(
    remembering: TokenVerifier, endpoint: FakeCertsEndpoint, realm_key: RealmKey, clock: FakeClock
) -> None:
    token = realm_key.sign(access_claims())
    first = await remembering.verify(token)
    clock.advance(601)
    assert await remembering.verify(token) is not first
    assert endpoint.fetches == 2


async def test_nothing_is_remembered_when_turned_off(
    endpoint: FakeCertsEndpoint, realm_key: RealmKey
) -> None:
    config = replace(
        VerifierConfig.for_keycloak(issuer=ISSUER, audience=AUDIENCE), verified_tokens=0
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as http:
        verifier = TokenVerifier(config, http)
        token = realm_key.sign(access_claims())
        assert await verifier.verify(token) is not await verifier.verify(token)
