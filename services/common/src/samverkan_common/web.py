"""FastAPI pieces every service shares: problem handlers, the caller's identity,
bounded request bodies and health endpoints."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_problem.handler import add_exception_handler, new_exception_handler

from samverkan_common.auth import InvalidToken, Principal, TokenVerifier, bearer_token
from samverkan_common.metrics import EVENTS_REJECTED
from samverkan_common.problems import PROBLEM_TYPES, PayloadTooLarge, Unauthenticated

HealthCheck = Callable[[], Awaitable[object]]


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error as ``application/problem+json``."""
    add_exception_handler(app, new_exception_handler(documentation_uri_template=PROBLEM_TYPES))


async def verifier_of(request: Request) -> TokenVerifier:
    """The service's token verifier, made in its lifespan and kept on the app state (async:
    FastAPI runs a plain function dependency in a worker thread, on every request)."""
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


async def current_principal(
    request: Request, verifier: Annotated[TokenVerifier, Depends(verifier_of)]
) -> Principal:
    """The verified caller; 401 for a missing or invalid token."""
    try:
        return await verifier.verify(bearer_token(request.headers.get("authorization")))
    except InvalidToken as exc:
        EVENTS_REJECTED.labels(reason="unauthenticated").inc()
        raise Unauthenticated(f"invalid bearer token: {exc.reason}") from None


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"the body is larger than {max_bytes} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"the body is larger than {max_bytes} bytes")
    return bytes(body)


def health_router(checks: Mapping[str, HealthCheck], timeout: float = 2.0) -> APIRouter:
    """``/health/live`` (the process answers) and ``/health/ready`` (every check passes)."""
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "up"}

    @router.get("/ready")
    async def ready() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout)
                results[name] = "up"
            except Exception as exc:  # noqa: BLE001 - any failure means not ready; named below
                results[name] = f"down: {type(exc).__name__}"
        ok = all(v == "up" for v in results.values())
        body = {"status": "up" if ok else "down", "checks": results}
        return JSONResponse(body, status_code=200 if ok else 503)

    return router
