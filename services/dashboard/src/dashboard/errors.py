"""What can go wrong on a page, each answered with a page of its own (never a stack trace)."""

from __future__ import annotations


class PageError(Exception):
    """A page that cannot be shown; ``message`` is a catalogue key."""

    status = 500
    message = "error.unexpected"


class SignInRequired(PageError):  # noqa: N818 - it reads as the answer: sign in
    """No session, an idle or ended one, or tokens Keycloak no longer refreshes."""

    status = 401
    message = "error.signin"


class NotYours(PageError):  # noqa: N818 - it reads as the answer the person gets
    """The page or the data belongs to other roles or another organisation."""

    status = 403
    message = "error.forbidden"


class NotFound(PageError):  # noqa: N818 - it reads as the answer the person gets
    status = 404
    message = "error.not_found"


class BadInput(PageError):  # noqa: N818 - it reads as the answer the person gets
    status = 400
    message = "error.bad_input"


class Unavailable(PageError):  # noqa: N818 - it reads as the answer the person gets
    """The coordination service or Keycloak cannot be reached or failed."""

    status = 502
    message = "error.unavailable"
