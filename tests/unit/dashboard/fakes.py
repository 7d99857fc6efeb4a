"""A fake Keycloak and a fake coordination API behind one httpx transport, and a fake token
verifier: the dashboard's own logic tested without servers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx

from samverkan_common.auth import InvalidToken, InvalidTokenReason, Principal

ISSUER = "http://keycloak.test/realms/samverkan"
COORDINATION = "http://coordination.test"
PEOPLE = {
    "anna": ("socialtjanst", frozenset({"specialist"})),
    "karin": ("kungsholmen", frozenset({"caseworker"})),
    "olle": ("socialtjanst", frozenset({"operator"})),
}


@dataclass
class FakeVerifier:
    """Access tokens are ``<person>-<n>``; anything else is refused like a bad signature."""

    async def verify(self, token: str) -> Principal:
        person = token.rsplit("-", 1)[0]
        if person not in PEOPLE:
            raise InvalidToken(InvalidTokenReason.MALFORMED_TOKEN)
        org, roles = PEOPLE[person]
        return Principal(
            subject=f"id-{person}",
            client_id="samverkan-dashboard",
            username=person,
            organisation=org,
            realm_roles=roles,
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
        )


@dataclass
class FakeNetwork:
    """Keycloak's discovery and token endpoints and the coordination API, recording calls."""

    person: str = "anna"
    expires_in: int = 300
    refresh_allowed: bool = True
    coordination_status: int = 200
    coordination_down: bool = False
    issued: int = 0
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)
    api_calls: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return httpx.Response(200, json=self.metadata())
        if url == f"{ISSUER}/protocol/openid-connect/token":
            return self.token(parse_qs(request.content.decode()))
        if url.startswith(COORDINATION):
            return self.coordination(request)
        return httpx.Response(404)

    @staticmethod
    def metadata() -> dict[str, str]:
        base = f"{ISSUER}/protocol/openid-connect"
        return {
            "issuer": ISSUER,
            "authorization_endpoint": f"{base}/auth",
            "token_endpoint": f"{base}/token",
            "end_session_endpoint": f"{base}/logout",
            "jwks_uri": f"{base}/certs",
        }

    def token(self, form: dict[str, list[str]]) -> httpx.Response:
        self.token_requests.append(form)
        if form["grant_type"] == ["refresh_token"] and not self.refresh_allowed:
            body = {"error": "invalid_grant", "error_description": "Session not active"}
            return httpx.Response(400, json=body)
        self.issued += 1
        return httpx.Response(
            200,
            json={
                "access_token": f"{self.person}-{self.issued}",
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "refresh_token": f"refresh-{self.issued}",
            },
        )

    def coordination(self, request: httpx.Request) -> httpx.Response:
        if self.coordination_down:
            raise httpx.ConnectError("connection refused", request=request)
        self.api_calls.append(request)
        if request.url.path == "/metrics":
            return httpx.Response(200, text='samverkan_consumer_lag{partition="0",topic="t"} 2.0\n')
        if self.coordination_status != 200:
            return httpx.Response(self.coordination_status, json={"title": "refused"})
        return httpx.Response(200, content=json.dumps(ANSWERS.get(request.url.path, [])))


OVERVIEW: dict[str, Any] = {
    "as_of": "2026-11-28T12:00:00Z",
    "districts": [
        {
            "district": "kungsholmen",
            "areas": {
                area: {
                    "plan": "adopted",
                    "plan_next_review_on": "2027-01-01",
                    "activity_30d": 3,
                    "activity_90d": 3,
                    "activity_365d": 3,
                }
                for area in ("holistic", "prevention", "outreach", "treatment", "trafficking")
            },
            "referrals_open_in": 1,
            "referrals_open_out": 2,
            "consultations_waiting": 0,
            "consultation_median_response_hours": None,
        }
    ],
}
ANSWERS: dict[str, Any] = {"/overview": OVERVIEW, "/referrals": [], "/dead-letters": []}
