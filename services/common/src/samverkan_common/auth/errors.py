"""The one error a token check raises, with a short reason code."""

from __future__ import annotations

from enum import StrEnum


class InvalidTokenReason(StrEnum):
    """Why a token was refused. Codes are fixed strings; they never echo token contents."""

    MISSING_TOKEN = "missing_token"  # noqa: S105 - a reason code, not a secret
    MALFORMED_AUTHORIZATION = "malformed_authorization"
    TOKEN_TOO_LARGE = "token_too_large"  # noqa: S105 - a reason code, not a secret
    MALFORMED_TOKEN = "malformed_token"  # noqa: S105 - a reason code, not a secret
    ALGORITHM_NOT_ALLOWED = "algorithm_not_allowed"
    FORBIDDEN_HEADER = "forbidden_header"
    INVALID_KID = "invalid_kid"
    UNKNOWN_KID = "unknown_kid"
    KEYS_UNAVAILABLE = "keys_unavailable"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MISSING_CLAIM = "missing_claim"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    NOT_ACCESS_TOKEN = "not_access_token"  # noqa: S105 - a reason code, not a secret
    MISSING_ORG = "missing_org"
    INVALID_CLAIMS = "invalid_claims"


class InvalidToken(Exception):  # noqa: N818 - the name the services and the brief use; it reads as the HTTP 401 it becomes
    """A bearer token was missing, malformed or failed verification. Services answer 401."""

    def __init__(self, reason: InvalidTokenReason) -> None:
        super().__init__(reason.value)
        self.reason = reason
