"""The realm's signing keys, kept in memory and fetched rarely.

Keys are fetched on first use, when a token names a `kid` we do not hold, and
when the set is older than its maximum age. Fetch attempts (failed ones too)
are rate-limited, and concurrent callers share one fetch through a lock, so a
flood of tokens with made-up `kid`s cannot turn into a flood of requests to
Keycloak.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

logger = logging.getLogger(__name__)

MIN_RSA_BITS = 2048


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One public key from the JWKS; `algorithm` is the JWK's `alg`, if it names one."""

    kid: str
    public_key: RSAPublicKey
    algorithm: str | None


def parse_jwks(document: Any, algorithms: frozenset[str]) -> dict[str, SigningKey]:
    """Usable RSA signature keys by `kid`.

    Skipped: non-RSA keys (including symmetric `oct` keys), encryption keys
    (`use: enc`), keys whose `alg` is not allowed, keys shorter than 2048 bits,
    malformed entries, and any `kid` that appears more than once.
    Raises `TypeError` when the document is not a JWKS at all.
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise TypeError("not a JWKS document")
    keys: dict[str, SigningKey] = {}
    duplicated: set[str] = set()
    for entry in document["keys"]:
        key = _signing_key(entry, algorithms)
        if key is None:
            continue
        if key.kid in keys:
            duplicated.add(key.kid)
        keys[key.kid] = key
    for kid in duplicated:
        del keys[kid]
    return keys


def _signing_key(entry: Any, algorithms: frozenset[str]) -> SigningKey | None:
    if not isinstance(entry, dict) or entry.get("kty") != "RSA":
        return None
    kid, use, alg = entry.get("kid"), entry.get("use"), entry.get("alg")
    if not isinstance(kid, str) or not kid or use not in (None, "sig"):
        return None
    if alg is not None and alg not in algorithms:
        return None
    try:
        numbers = RSAPublicNumbers(e=_b64_uint(entry["e"]), n=_b64_uint(entry["n"]))
        public_key = numbers.public_key()
    except (KeyError, TypeError, ValueError):
        return None
    if public_key.key_size < MIN_RSA_BITS:
        return None
    return SigningKey(kid=kid, public_key=public_key, algorithm=alg)


def _b64_uint(value: Any) -> int:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a base64url string")
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    return int.from_bytes(raw, "big")


class JwksCache:
    """In-memory JWKS for one realm. Nothing is fetched until a key is asked for."""

    def __init__(  # noqa: PLR0913 - each knob is a documented VerifierConfig field
        self,
        http: httpx.AsyncClient,
        url: str,
        *,
        algorithms: frozenset[str],
        min_refetch_seconds: float,
        max_age_seconds: float,
        timeout_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = url
        self._algorithms = algorithms
        self._min_refetch = min_refetch_seconds
        self._max_age = max_age_seconds
        self._timeout = timeout_seconds
        self._clock = clock
        self._keys: Mapping[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()

    @property
    def has_keys(self) -> bool:
        """Whether any fetch has succeeded yet."""
        return bool(self._keys)

    async def key(self, kid: str) -> SigningKey | None:
        """The key for `kid`, fetching the JWKS first if it is missing or stale."""
        if self._usable(kid):
            return self._keys[kid]
        async with self._lock:
            # Whoever held the lock before us may have fetched already.
            if not self._usable(kid) and self._may_attempt():
                await self._refresh()
            return self._keys.get(kid)

    async def loaded(self) -> bool:
        """Whether keys are held, fetching them once if none are (for readiness checks)."""
        if not self._keys:
            async with self._lock:
                if not self._keys and self._may_attempt():
                    await self._refresh()
        return self.has_keys

    def _usable(self, kid: str) -> bool:
        fresh = self._fetched_at is not None and self._clock() - self._fetched_at < self._max_age
        return fresh and kid in self._keys

    def _may_attempt(self) -> bool:
        return self._attempted_at is None or self._clock() - self._attempted_at >= self._min_refetch

    async def _refresh(self) -> None:
        self._attempted_at = self._clock()
        try:
            response = await self._http.get(self._url, timeout=self._timeout)
            response.raise_for_status()
            keys = parse_jwks(response.json(), self._algorithms)
        except (httpx.HTTPError, ValueError, TypeError) as error:
            # Keep the keys we have: a Keycloak hiccup must not log everyone out.
            logger.warning("JWKS fetch from %s failed: %s", self._url, type(error).__name__)
            return
        if not keys:
            logger.warning(
                "JWKS from %s holds no usable signing key; keeping the old set", self._url
            )
            return
        self._keys = keys
        self._fetched_at = self._attempted_at
        logger.info("JWKS fetched from %s: %d signing keys", self._url, len(keys))
