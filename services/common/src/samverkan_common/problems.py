"""HTTP problem details (RFC 9457) every service answers with.

Each problem names what went wrong; validation problems list the offending fields as JSON
paths in ``errors`` (``path``, ``type``, ``message``) and never echo the rejected value.
"""

from __future__ import annotations

from collections.abc import Sequence

from rfc9457 import StatusProblem

from samverkan_contracts.errors import ErrorDetail

PROBLEM_TYPES = "https://samverkan.stockholm.se/problems/{type}"


class InvalidRequest(StatusProblem):
    """The request body is malformed or an event in it is invalid (400)."""

    title = "Invalid request"
    status = 400
    type_ = "invalid-request"

    def __init__(self, detail: str, errors: Sequence[ErrorDetail]) -> None:
        super().__init__(detail, errors=list(errors))


class Unauthenticated(StatusProblem):
    """No valid bearer token (401)."""

    title = "Authentication required"
    status = 401
    type_ = "unauthenticated"
    headers_ = {"WWW-Authenticate": 'Bearer realm="samverkan"'}  # noqa: RUF012 - rfc9457's API


class Forbidden(StatusProblem):
    """The caller may not do this (403)."""

    title = "Not allowed"
    status = 403
    type_ = "forbidden"


class NotFound(StatusProblem):
    """No such resource visible to the caller (404)."""

    title = "Not found"
    status = 404
    type_ = "not-found"


class StateConflict(StatusProblem):
    """The change is impossible from the current state (409), which the problem names."""

    title = "Impossible state change"
    status = 409
    type_ = "state-conflict"

    def __init__(self, detail: str, current_state: str | None = None) -> None:
        super().__init__(detail, current_state=current_state)


class PayloadTooLarge(StatusProblem):
    """The body is larger than the service accepts (413)."""

    title = "Payload too large"
    status = 413
    type_ = "payload-too-large"


class UnsupportedMediaType(StatusProblem):
    """The body is not a CloudEvent in a supported content mode (415)."""

    title = "Unsupported media type"
    status = 415
    type_ = "unsupported-media-type"
