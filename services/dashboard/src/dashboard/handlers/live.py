"""Live updates: the coordination API's stream, opened with the person's token and passed on
to the browser, which then fetches its page again. The stream ends when the access token
expires; the browser reconnects, and the next connection carries a refreshed token (or, with
the session over, is refused, and the page goes to sign-in)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter
from sse_starlette import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse

from dashboard.access import Page
from dashboard.handlers.common import Signed, api
from dashboard.web import allowed

router = APIRouter()
PASSED_ON = frozenset({"ready", "view-changed"})


@router.get("/live")
async def live(request: Request, session: Signed) -> EventSourceResponse:
    allowed(session, Page.OVERVIEW)
    stack = contextlib.AsyncExitStack()
    source = await stack.enter_async_context(api(request).stream(session))
    until = session.tokens.expires_at

    async def events() -> AsyncIterator[dict[str, str]]:
        upstream = source.aiter_sse()
        try:
            while (remaining := until - time.time()) > 0:
                try:
                    event = await asyncio.wait_for(anext(upstream), remaining)
                except (TimeoutError, StopAsyncIteration):
                    return
                if event.event in PASSED_ON:
                    yield {"event": event.event, "data": event.data}
        finally:
            await stack.aclose()

    return EventSourceResponse(events(), ping=15)


@router.get("/session")
async def session_state(session: Signed) -> JSONResponse:
    """200 while signed in (401 otherwise): the page's script asks before reconnecting."""
    return JSONResponse({"signed_in": True, "expires_at": int(session.tokens.expires_at)})
