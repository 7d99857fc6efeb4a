"""Verifier configuration fails fast on unsafe values."""

from __future__ import annotations

import pytest

from samverkan_common.auth import VerifierConfig

ISSUER = "http://127.0.0.1:18080/realms/samverkan"


def test_keycloak_config_derives_the_jwks_url_and_defaults_to_rs256() -> None:
    config = VerifierConfig.for_keycloak(issuer=ISSUER, audience="samverkan-treatment")
    assert config.jwks_url == ISSUER + "/protocol/openid-connect/certs"
    assert config.algorithms == frozenset({"RS256"})
    assert config.max_token_bytes == 8192


@pytest.mark.parametrize(
    "algorithms",
    [frozenset(), frozenset({"none"}), frozenset({"HS256"}), frozenset({"RS256", "HS256"})],
)
def test_symmetric_none_or_empty_algorithm_lists_are_refused(algorithms: frozenset[str]) -> None:
    with pytest.raises(ValueError, match="algorithms"):
        VerifierConfig(
            issuer=ISSUER,
            audience="samverkan-treatment",
            jwks_url=ISSUER + "/protocol/openid-connect/certs",
            algorithms=algorithms,
        )


def test_empty_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="audience"):
        VerifierConfig.for_keycloak(issuer=ISSUER, audience="")


def test_a_large_leeway_is_refused() -> None:
    with pytest.raises(ValueError, match="leeway"):
        VerifierConfig(
            issuer=ISSUER,
            audience="samverkan-treatment",
            jwks_url=ISSUER + "/protocol/openid-connect/certs",
            leeway_seconds=3600,
        )


def test_a_negative_number_of_remembered_tokens_is_refused() -> None:
    with pytest.raises(ValueError, match="verified_tokens"):
        VerifierConfig(
            issuer=ISSUER,
            audience="samverkan-treatment",
            jwks_url=ISSUER + "/protocol/openid-connect/certs",
            verified_tokens=-1,
        )
