"""Signing in with Keycloak: authorisation code with PKCE (S256) through Authlib, tokens kept
in the server-side session, refreshed shortly before they expire; a refresh Keycloak refuses
(session ended, idle or revoked) means signing in again."""

from __future__ import annotations

import time
from typing import Any, Protocol

import httpx

# Authlib ships no type information; its OAuth client is used as Any.
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]
from starlette.requests import Request
from starlette.responses import RedirectResponse

from dashboard.access import Person
from dashboard.errors import SignInRequired, Unavailable
from dashboard.sessions import Session, SessionStore, Tokens
from dashboard.settings import Settings
from samverkan_common.auth import InvalidToken, Principal

SESSION_KEY = "sid"


class Verifier(Protocol):
    """What the dashboard needs of a token verifier (``TokenVerifier``; a fake in tests)."""

    async def verify(self, token: str) -> Principal: ...


class Keycloak:
    """The realm as the dashboard's public client sees it."""

    def __init__(
        self,
        settings: Settings,
        verifier: Verifier,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._verifier = verifier
        self._margin = settings.refresh_margin_seconds
        client_kwargs: dict[str, Any] = {"scope": "openid", "code_challenge_method": "S256"}
        if transport is not None:
            client_kwargs["transport"] = transport
        oauth = OAuth()
        self._client: Any = oauth.register(
            name="keycloak",
            client_id=settings.client_id,
            server_metadata_url=settings.metadata_url,
            client_kwargs=client_kwargs,
        )

    async def redirect_to_login(self, request: Request, redirect_uri: str) -> RedirectResponse:
        try:
            response: RedirectResponse = await self._client.authorize_redirect(
                request, redirect_uri
            )
        except (httpx.HTTPError, OAuthError) as error:
            raise Unavailable from error
        return response

    async def finish_login(self, request: Request) -> tuple[Person, Tokens]:
        """Exchange the code (with the PKCE verifier kept in the session) for tokens."""
        try:
            token = await self._client.authorize_access_token(request)
        except OAuthError as error:
            raise SignInRequired from error
        except httpx.HTTPError as error:
            raise Unavailable from error
        userinfo = token.get("userinfo") or {}
        return await self._person(token, str(userinfo.get("name") or "")), self._tokens(token)

    async def fresh(self, session: Session) -> Session:
        """The session with an access token valid for at least the margin, refreshed if
        needed (one refresh at a time: Keycloak's refresh tokens are single use)."""
        if session.tokens.expires_at - self._margin > time.time():
            return session
        async with session.refreshing:
            if session.tokens.expires_at - self._margin > time.time():
                return session
            if session.tokens.refresh_token is None:
                raise SignInRequired
            try:
                token = await self._client.fetch_access_token(
                    grant_type="refresh_token", refresh_token=session.tokens.refresh_token
                )
            except OAuthError as error:
                raise SignInRequired from error
            except httpx.HTTPError as error:
                raise Unavailable from error
            session.person = await self._person(token, session.person.name)
            session.tokens = self._tokens(token, previous=session.tokens)
        return session

    async def logout_url(self, session: Session | None, after: str) -> str:
        """Keycloak's end-session address, which ends its session too, then comes back."""
        try:
            metadata = await self._client.load_server_metadata()
        except httpx.HTTPError:
            return after
        endpoint = metadata.get("end_session_endpoint")
        if not endpoint:
            return after
        params = {"post_logout_redirect_uri": after, "client_id": self._client.client_id}
        if session is not None and session.tokens.id_token:
            params["id_token_hint"] = session.tokens.id_token
        return str(httpx.URL(endpoint, params=params))

    async def ready(self) -> None:
        await self._client.load_server_metadata()

    async def _person(self, token: dict[str, Any], name: str) -> Person:
        try:
            principal = await self._verifier.verify(str(token["access_token"]))
        except InvalidToken as error:
            raise SignInRequired from error
        return Person(principal=principal, name=name or principal.username or principal.subject)

    @staticmethod
    def _tokens(token: dict[str, Any], previous: Tokens | None = None) -> Tokens:
        expires_at = token.get("expires_at") or time.time() + float(token.get("expires_in", 60))
        refresh: str | None = token.get("refresh_token") or (
            previous.refresh_token if previous else None
        )
        id_token: str | None = token.get("id_token") or (previous.id_token if previous else None)
        return Tokens(
            access_token=str(token["access_token"]),
            expires_at=float(expires_at),
            refresh_token=refresh,
            id_token=id_token,
        )


async def signed_in(request: Request) -> Session:
    """The signed-in person's session with a fresh access token, or SignInRequired."""
    store: SessionStore = request.app.state.sessions
    session = store.get(request.session.get(SESSION_KEY))
    if session is None:
        raise SignInRequired
    keycloak: Keycloak = request.app.state.keycloak
    try:
        return await keycloak.fresh(session)
    except SignInRequired:
        store.drop(session.id)
        raise
