"""Which entries of a JWKS document the verifier will ever use."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from samverkan_common.auth import parse_jwks

RS256 = frozenset({"RS256"})


def rsa_jwk(kid: str, bits: int = 2048, **extra: str) -> dict[str, Any]:
    """A public JWK as PyJWT serializes it, so our parser is checked against another writer."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    return {**RSAAlgorithm.to_jwk(key, as_dict=True), "kid": kid, **extra}


@pytest.fixture(scope="module")
def signing_jwk() -> dict[str, Any]:
    return rsa_jwk("sig-1", use="sig", alg="RS256")


def test_rsa_signature_key_is_parsed(signing_jwk: dict[str, Any]) -> None:
    keys = parse_jwks({"keys": [signing_jwk]}, RS256)
    assert list(keys) == ["sig-1"]
    assert keys["sig-1"].algorithm == "RS256"
    assert keys["sig-1"].public_key.public_numbers().e == 65537


@pytest.mark.parametrize(
    "entry",
    [
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},  # a symmetric key must never verify
        {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kid": "no-kty"},
        "not-an-object",
    ],
    ids=["oct", "ec", "no-kty", "string"],
)
def test_non_rsa_entries_are_skipped(signing_jwk: dict[str, Any], entry: Any) -> None:
    assert list(parse_jwks({"keys": [entry, signing_jwk]}, RS256)) == ["sig-1"]


@pytest.mark.parametrize(
    "changes",
    [
        {"use": "enc", "alg": "RSA-OAEP"},  # Keycloak's encryption key
        {"alg": "HS256"},
        {"alg": "PS512"},  # an RSA algorithm, but not one we allow
        {"kid": ""},
        {"n": "!!"},
        {"e": 65537},
    ],
    ids=str,
)
def test_unusable_rsa_entries_are_skipped(
    signing_jwk: dict[str, Any], changes: dict[str, Any]
) -> None:
    assert parse_jwks({"keys": [{**signing_jwk, **changes}]}, RS256) == {}


def test_short_rsa_keys_are_skipped() -> None:
    assert parse_jwks({"keys": [rsa_jwk("weak", bits=1024)]}, RS256) == {}


def test_a_kid_published_twice_is_dropped(signing_jwk: dict[str, Any]) -> None:
    twin = rsa_jwk("sig-1")
    other = rsa_jwk("sig-2")
    assert list(parse_jwks({"keys": [signing_jwk, twin, other]}, RS256)) == ["sig-2"]


@pytest.mark.parametrize("document", [None, [], {"keys": {}}, {"no": "keys"}])
def test_a_document_that_is_not_a_jwks_is_an_error(document: Any) -> None:
    with pytest.raises(TypeError):
        parse_jwks(document, RS256)
