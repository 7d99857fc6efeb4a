"""Read the token out of an HTTP Authorization header value (RFC 6750 section 2.1)."""

from __future__ import annotations

from samverkan_common.auth.errors import InvalidToken, InvalidTokenReason


def bearer_token(authorization: str | None) -> str:
    """Return the token from `Bearer <token>`; the scheme is case-insensitive.

    Raises `InvalidToken` when the header is absent or empty, uses another scheme,
    or does not hold exactly one token.
    """
    if authorization is None or not authorization.strip():
        raise InvalidToken(InvalidTokenReason.MISSING_TOKEN)
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":  # noqa: PLR2004 - scheme and token
        raise InvalidToken(InvalidTokenReason.MALFORMED_AUTHORIZATION)
    return parts[1]
