"""Signing in and out through Keycloak, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from dashboard.auth import SESSION_KEY, Keycloak
from dashboard.errors import BadInput
from dashboard.sessions import SessionStore
from dashboard.web import LANGUAGE_COOKIE, render

router = APIRouter()
NEXT_KEY = "next"
YEAR = 365 * 24 * 3600


def local_path(value: str | None) -> str:
    """``value`` if it is a path on this site, else ``/`` (no open redirects)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def base_url(request: Request) -> str:
    configured: str | None = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


@router.get("/login")
async def login(request: Request, next: str | None = None) -> RedirectResponse:  # noqa: A002 - the query parameter's name
    request.session[NEXT_KEY] = local_path(next)
    keycloak: Keycloak = request.app.state.keycloak
    return await keycloak.redirect_to_login(request, f"{base_url(request)}/auth/callback")


@router.get("/auth/callback")
async def callback(request: Request) -> RedirectResponse:
    keycloak: Keycloak = request.app.state.keycloak
    person, tokens = await keycloak.finish_login(request)
    store: SessionStore = request.app.state.sessions
    store.drop(request.session.get(SESSION_KEY))
    destination = local_path(request.session.pop(NEXT_KEY, None))
    request.session[SESSION_KEY] = store.create(person, tokens).id
    return RedirectResponse(destination, status_code=303)


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    store: SessionStore = request.app.state.sessions
    session = store.get(request.session.get(SESSION_KEY))
    if session is not None and csrf != session.csrf:
        raise BadInput
    store.drop(request.session.get(SESSION_KEY))
    request.session.clear()
    keycloak: Keycloak = request.app.state.keycloak
    url = await keycloak.logout_url(session, f"{base_url(request)}/signed-out")
    return RedirectResponse(url, status_code=303)


@router.get("/signed-out")
async def signed_out(request: Request) -> HTMLResponse:
    return render(request, "signed_out.html", session=None, page=None, title="signed_out.title")


@router.get("/language/{language}")
async def language(
    language: Annotated[str, Path(pattern="^(sv|en)$")],
    next: str | None = None,  # noqa: A002 - the query parameter's name
) -> RedirectResponse:
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR, samesite="lax", httponly=True)
    return response
