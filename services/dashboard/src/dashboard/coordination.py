"""The coordination query API, called with the signed-in person's access token. Every answer
the API refuses becomes the matching page error; nothing about access is decided here."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from httpx_sse import EventSource, aconnect_sse

from dashboard.errors import BadInput, NotFound, NotYours, PageError, SignInRequired, Unavailable
from dashboard.sessions import Session

Params = Mapping[str, str | int | bool | None]

_ERRORS: dict[int, type[PageError]] = {
    401: SignInRequired,
    403: NotYours,
    404: NotFound,
    400: BadInput,
    422: BadInput,
}


class Coordination:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def json(self, session: Session, path: str, params: Params | None = None) -> Any:
        return (await self._get(session, path, params)).json()

    async def text(self, session: Session, path: str, params: Params | None = None) -> str:
        return (await self._get(session, path, params)).text

    @contextlib.asynccontextmanager
    async def stream(self, session: Session) -> AsyncIterator[EventSource]:
        """The API's live updates (server-sent events) for this person."""
        try:
            async with aconnect_sse(
                self._http,
                "GET",
                "/stream",
                headers=_bearer(session),
                timeout=httpx.Timeout(10.0, read=None),
            ) as source:
                _raise_for(source.response)
                yield source
        except httpx.HTTPError as error:
            raise Unavailable from error

    async def metrics(self) -> str:
        """The API's Prometheus metrics (operational figures; no token, no case data)."""
        try:
            response = await self._http.get("/metrics")
        except httpx.HTTPError as error:
            raise Unavailable from error
        _raise_for(response)
        return response.text

    async def health(self) -> None:
        """Raise unless the API says it is ready."""
        (await self._http.get("/health/ready")).raise_for_status()

    async def _get(self, session: Session, path: str, params: Params | None) -> httpx.Response:
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._http.get(path, params=query, headers=_bearer(session))
        except httpx.HTTPError as error:
            raise Unavailable from error
        _raise_for(response)
        return response


def _bearer(session: Session) -> dict[str, str]:
    return {"authorization": f"Bearer {session.tokens.access_token}"}


def _param(value: str | int | bool) -> str:  # noqa: FBT001 - a query value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _raise_for(response: httpx.Response) -> None:
    if response.is_success:
        return
    raise _ERRORS.get(response.status_code, Unavailable)
