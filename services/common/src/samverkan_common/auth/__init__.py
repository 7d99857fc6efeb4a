"""Local verification of Keycloak access tokens against the realm's JWKS.

    verifier = TokenVerifier(VerifierConfig.for_keycloak(issuer=..., audience=...), http)
    principal = await verifier.verify(bearer_token(request.headers.get("authorization")))

Every refusal is an `InvalidToken`; services answer it with HTTP 401.
"""

from samverkan_common.auth.bearer import bearer_token
from samverkan_common.auth.config import VerifierConfig
from samverkan_common.auth.errors import InvalidToken, InvalidTokenReason
from samverkan_common.auth.jwks import JwksCache, SigningKey, parse_jwks
from samverkan_common.auth.principal import Principal
from samverkan_common.auth.verifier import TokenVerifier

__all__ = [
    "InvalidToken",
    "InvalidTokenReason",
    "JwksCache",
    "Principal",
    "SigningKey",
    "TokenVerifier",
    "VerifierConfig",
    "bearer_token",
    "parse_jwks",
]
