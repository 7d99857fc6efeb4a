"""Wiring of the dashboard: wiring only, nothing connects at import time.

The lifespan makes the HTTP client for the coordination API, the token verifier and the
Keycloak client (which reads the realm's discovery document on first use) and the session
store. Every error becomes a page in the person's language; a request without a session,
or whose session Keycloak ended, goes to sign-in.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from dashboard.auth import SESSION_KEY, Keycloak, Verifier
from dashboard.coordination import Coordination
from dashboard.errors import BadInput, NotFound, PageError, SignInRequired
from dashboard.handlers import routers
from dashboard.sessions import SessionStore
from dashboard.settings import Settings
from dashboard.web import here, render
from samverkan_common.auth import TokenVerifier, VerifierConfig
from samverkan_common.metrics import instrument
from samverkan_common.web import HealthCheck, health_router

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


def security_headers(settings: Settings) -> dict[str, str]:
    """No script or style from anywhere else (charts are SVG images given as data: URIs);
    forms post here, and signing out continues to Keycloak."""
    keycloak = httpx.URL(settings.keycloak_issuer)
    origin = f"{keycloak.scheme}://{keycloak.netloc.decode('ascii')}"
    return {
        "content-security-policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self'; form-action 'self' {origin}; frame-ancestors 'none'; "
            "base-uri 'none'"
        ),
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
    }


def create_app(
    settings: Settings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    verifier: Verifier | None = None,
) -> FastAPI:
    """The dashboard's ASGI app. ``transport`` and ``verifier`` are for unit tests: a fake
    network for the coordination API and Keycloak, and a fake token verifier."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.coordination_timeout_seconds)
        async with (
            httpx.AsyncClient(
                base_url=settings.coordination_url, timeout=timeout, transport=transport
            ) as coordination,
            httpx.AsyncClient(timeout=10, transport=transport) as keycloak_http,
        ):
            tokens = verifier or TokenVerifier(
                VerifierConfig.for_keycloak(
                    issuer=settings.keycloak_issuer, audience=settings.token_audience
                ),
                keycloak_http,
            )
            app.state.settings = settings
            app.state.coordination = Coordination(coordination)
            app.state.keycloak = Keycloak(settings, tokens, transport=transport)
            app.state.sessions = SessionStore(settings.session_idle_minutes * 60)
            yield

    app = FastAPI(
        title="Samverkan dashboard",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie="samverkan_session",
        max_age=None,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    headers = security_headers(settings)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in routers():
        app.include_router(router)
    app.include_router(health_router(_readiness_checks(app)))
    instrument(app)
    _install_error_pages(app)
    return app


def _install_error_pages(app: FastAPI) -> None:
    async def page_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, PageError)  # noqa: S101 - registered for PageError only
        if isinstance(error, SignInRequired):
            request.session.pop(SESSION_KEY, None)
            if _wants_status(request):
                return JSONResponse({"signed_in": False}, status_code=401)
            if request.method == "GET":
                return RedirectResponse(f"/login?next={_quoted(here(request))}", status_code=303)
        return _error_page(request, error)

    async def invalid(request: Request, _error: Exception) -> Response:
        return _error_page(request, BadInput())

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)  # noqa: S101 - registered for HTTPException only
        return _error_page(request, NotFound() if error.status_code == 404 else BadInput())  # noqa: PLR2004 - HTTP status

    async def unexpected(request: Request, error: Exception) -> Response:
        log.error("unexpected error on %s", request.url.path, exc_info=error)
        return _error_page(request, PageError())

    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def _wants_status(request: Request) -> bool:
    """The page's script (live updates) wants a status code, not a page or a redirect."""
    return request.url.path in {"/live", "/session"} or request.headers.get("x-live") == "1"


def _quoted(path: str) -> str:
    return str(httpx.QueryParams({"next": path})).removeprefix("next=")


def _error_page(request: Request, error: PageError) -> Response:
    """The error in the person's language, with their navigation when they are signed in."""
    store: SessionStore | None = getattr(request.app.state, "sessions", None)
    session = None
    if store is not None and not isinstance(error, SignInRequired):
        session = store.get(request.session.get(SESSION_KEY))
    return render(
        request, "error.html", session=session, page=None, title=f"{error.message}.title",
        status=error.status, message=error.message,
    )  # fmt: skip


def _readiness_checks(app: FastAPI) -> dict[str, HealthCheck]:
    async def keycloak() -> None:
        client: Keycloak = app.state.keycloak
        await client.ready()

    async def coordination() -> None:
        client: Coordination = app.state.coordination
        await client.health()

    return {"keycloak": keycloak, "coordination": coordination}
