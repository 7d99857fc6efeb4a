"""Local verification of Keycloak access tokens (OWASP ASVS 5, self-contained tokens).

Order of checks: size, shape, header policy (algorithm allow-list, no key-carrying
headers, well-formed `kid`), key from the configured JWKS only, signature, then
the registered claims, then the access-token claims this platform needs. No
claim is read before the signature has been verified.

A verified token is remembered by its string, so that the same token on the next request
skips the parsing and the RSA check: only until its `exp` (no leeway), only while the JWKS
still holds the very key that verified it (a refetched or rotated set starts over), and at
most `verified_tokens` of them.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jwt

from samverkan_common.auth.errors import InvalidToken, InvalidTokenReason
from samverkan_common.auth.jwks import JwksCache, SigningKey
from samverkan_common.auth.principal import Principal

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    from jwt.types import Options

    from samverkan_common.auth.config import VerifierConfig

Reason = InvalidTokenReason

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_KID = re.compile(r"[A-Za-z0-9._~-]{1,128}")
# Headers that carry a key, point at one, or change how the token is processed.
# Keys come from the configured JWKS only, so tokens carrying these are refused.
_FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "crit", "b64"})
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
# Keycloak's `typ` claim: access tokens "Bearer", ID tokens "ID", refresh tokens "Refresh".
_ACCESS_TOKEN_TYP = "Bearer"  # noqa: S105 - a claim value, not a secret

# Most specific first: several of these subclass each other.
_PYJWT_ERRORS: tuple[tuple[type[jwt.PyJWTError], Reason], ...] = (
    (jwt.ExpiredSignatureError, Reason.EXPIRED),
    (jwt.ImmatureSignatureError, Reason.NOT_YET_VALID),
    (jwt.MissingRequiredClaimError, Reason.MISSING_CLAIM),
    (jwt.InvalidIssuerError, Reason.WRONG_ISSUER),
    (jwt.InvalidAudienceError, Reason.WRONG_AUDIENCE),
    (jwt.InvalidSignatureError, Reason.BAD_SIGNATURE),
    (jwt.InvalidAlgorithmError, Reason.ALGORITHM_NOT_ALLOWED),
)


class TokenVerifier:
    """Verifies access tokens for one audience against one realm's JWKS.

    Make one per service in the app factory and share it; it holds the key cache.
    Construction does no I/O; the JWKS is fetched on first use.
    """

    def __init__(
        self,
        config: VerifierConfig,
        http: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._wall_clock = wall_clock
        #: token -> (its principal, the key that verified it); insertion order is age.
        self._verified: dict[str, tuple[Principal, SigningKey]] = {}
        self._algorithms = sorted(config.algorithms)
        self._options: Options = {
            "require": _REQUIRED_CLAIMS,
            "verify_signature": True,
            "enforce_minimum_key_length": True,
        }
        self._jwks = JwksCache(
            http,
            config.jwks_url,
            algorithms=config.algorithms,
            min_refetch_seconds=config.jwks_min_refetch_seconds,
            max_age_seconds=config.jwks_max_age_seconds,
            timeout_seconds=config.jwks_timeout_seconds,
            clock=clock,
        )

    async def verify(self, token: str) -> Principal:
        """The caller behind `token`, or `InvalidToken` with the reason it was refused."""
        if len(token) > self._config.max_token_bytes:
            raise InvalidToken(Reason.TOKEN_TOO_LARGE)
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, verified_by = remembered
            if (
                self._wall_clock() < principal.expires_at.timestamp()
                and await self._jwks.key(verified_by.kid) is verified_by
            ):
                return principal
            self._verified.pop(token, None)
        alg, kid = self._checked_header(token)
        key = await self._jwks.key(kid)
        if key is None:
            missing = Reason.UNKNOWN_KID if self._jwks.has_keys else Reason.KEYS_UNAVAILABLE
            raise InvalidToken(missing)
        if key.algorithm is not None and key.algorithm != alg:
            raise InvalidToken(Reason.ALGORITHM_NOT_ALLOWED)
        principal = _principal(self._decode(token, key))
        self._remember(token, principal, key)
        return principal

    async def ready(self) -> None:
        """Raise `InvalidToken` (keys_unavailable) unless the realm's keys can be had."""
        if not await self._jwks.loaded():
            raise InvalidToken(Reason.KEYS_UNAVAILABLE)

    def _remember(self, token: str, principal: Principal, key: SigningKey) -> None:
        if self._config.verified_tokens == 0:
            return
        if self._wall_clock() >= principal.expires_at.timestamp():
            return  # accepted within the leeway, but never served from memory past `exp`
        while len(self._verified) >= self._config.verified_tokens:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, key)

    def _checked_header(self, token: str) -> tuple[str, str]:
        if not _COMPACT_JWS.fullmatch(token):  # also refuses non-ASCII, so chars == bytes
            raise InvalidToken(Reason.MALFORMED_TOKEN)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken(Reason.MALFORMED_TOKEN) from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._config.algorithms:
            raise InvalidToken(Reason.ALGORITHM_NOT_ALLOWED)
        if not _FORBIDDEN_HEADERS.isdisjoint(header):
            raise InvalidToken(Reason.FORBIDDEN_HEADER)
        kid = header.get("kid")
        if not isinstance(kid, str) or not _KID.fullmatch(kid):
            raise InvalidToken(Reason.INVALID_KID)
        return alg, kid

    def _decode(self, token: str, key: SigningKey) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key.public_key,
                algorithms=self._algorithms,
                options=self._options,
                audience=self._config.audience,
                issuer=self._config.issuer,
                leeway=self._config.leeway_seconds,
            )
        except jwt.PyJWTError as error:
            reason = next(
                (reason for kind, reason in _PYJWT_ERRORS if isinstance(error, kind)),
                Reason.INVALID_CLAIMS,
            )
            raise InvalidToken(reason) from None


def _principal(claims: dict[str, Any]) -> Principal:
    """Map verified claims; refuse anything that is not one of our access tokens."""
    if claims.get("typ") != _ACCESS_TOKEN_TYP:
        raise InvalidToken(Reason.NOT_ACCESS_TOKEN)
    org = claims.get("org")
    if not isinstance(org, str) or not org:
        raise InvalidToken(Reason.MISSING_ORG)
    sub, azp = claims.get("sub"), claims.get("azp")
    if not isinstance(sub, str) or not sub or not isinstance(azp, str) or not azp:
        raise InvalidToken(Reason.INVALID_CLAIMS)
    username = claims.get("preferred_username")
    return Principal(
        subject=sub,
        client_id=azp,
        username=username if isinstance(username, str) else None,
        organisation=org,
        realm_roles=_realm_roles(claims.get("realm_access")),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
    )


def _realm_roles(realm_access: Any) -> frozenset[str]:
    if realm_access is None:
        return frozenset()
    roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidToken(Reason.INVALID_CLAIMS)
    return frozenset(roles)
