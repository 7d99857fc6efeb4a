"""What a service tells the verifier: whose tokens, for which audience, how strict."""

from __future__ import annotations

from dataclasses import dataclass, field

RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
"""Algorithms the verifier can ever be configured with: asymmetric RSA only, so a
public key can never be mistaken for an HMAC secret."""

JWKS_PATH = "/protocol/openid-connect/certs"


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierConfig:
    """Settings for `TokenVerifier`. Invalid values fail at construction."""

    issuer: str
    """The realm URL, matched exactly against `iss`, e.g. http://127.0.0.1:18080/realms/samverkan."""
    audience: str
    """This service's audience; `aud` must contain it, e.g. samverkan-treatment."""
    jwks_url: str
    """Where the realm publishes its signing keys (issuer + /protocol/openid-connect/certs)."""
    algorithms: frozenset[str] = field(default_factory=lambda: frozenset({"RS256"}))
    """Allowed `alg` values, matched case-sensitively. Keycloak signs with RS256."""
    leeway_seconds: float = 10.0
    """Clock skew tolerated on `exp`, `nbf` and `iat`."""
    max_token_bytes: int = 8192
    """Longer tokens are refused before any parsing."""
    jwks_min_refetch_seconds: float = 10.0
    """At most one JWKS fetch per this many seconds, whatever tokens arrive."""
    jwks_max_age_seconds: float = 600.0
    """Keys are fetched again after this long, so keys removed from the realm stop working."""
    jwks_timeout_seconds: float = 5.0
    """Timeout for one JWKS fetch."""
    verified_tokens: int = 1024
    """Verified tokens remembered (by the token string, each only until its `exp` and while
    its signing key is the one the JWKS holds), so that a caller's next requests skip the
    signature check; the oldest is forgotten first. 0 remembers none."""

    def __post_init__(self) -> None:
        if not self.issuer.startswith(("https://", "http://")):
            raise ValueError("issuer must be an http(s) URL")
        if not self.jwks_url.startswith(("https://", "http://")):
            raise ValueError("jwks_url must be an http(s) URL")
        if not self.audience:
            raise ValueError("audience must not be empty")
        if not self.algorithms or not self.algorithms <= RSA_ALGORITHMS:
            raise ValueError(f"algorithms must be a non-empty subset of {sorted(RSA_ALGORITHMS)}")
        if not 0 <= self.leeway_seconds <= 60:  # noqa: PLR2004 - a minute is the most skew we accept
            raise ValueError("leeway_seconds must be between 0 and 60")
        if self.max_token_bytes < 1:
            raise ValueError("max_token_bytes must be positive")
        if self.jwks_min_refetch_seconds < 0 or self.jwks_max_age_seconds <= 0:
            raise ValueError("JWKS intervals must be positive")
        if self.jwks_timeout_seconds <= 0:
            raise ValueError("jwks_timeout_seconds must be positive")
        if self.verified_tokens < 0:
            raise ValueError("verified_tokens must not be negative")

    @classmethod
    def for_keycloak(cls, *, issuer: str, audience: str) -> VerifierConfig:
        """Config for a Keycloak realm; the JWKS URL is derived from the issuer."""
        return cls(issuer=issuer, audience=audience, jwks_url=issuer.rstrip("/") + JWKS_PATH)
