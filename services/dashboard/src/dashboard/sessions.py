"""Sessions kept on the server: the browser holds only a random id in a signed cookie, never a
token. A session ends when unused for the idle time, at logout, or when Keycloak refuses to
refresh its tokens.

The store is in memory: a restart of the dashboard signs everyone out (they sign in again
through Keycloak's still-open session, without typing a password), and several replicas
need sticky sessions or a shared store behind the same interface.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dashboard.access import Person


@dataclass
class Tokens:
    """What Keycloak gave at sign-in or at the last refresh."""

    access_token: str
    expires_at: float
    refresh_token: str | None = None
    id_token: str | None = None


@dataclass
class Session:
    id: str
    person: Person
    tokens: Tokens
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    last_seen: float = 0.0
    refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)


class SessionStore:
    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._idle = idle_seconds
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def create(self, person: Person, tokens: Tokens) -> Session:
        self._forget_idle()
        session = Session(secrets.token_urlsafe(32), person, tokens, last_seen=self._clock())
        self._sessions[session.id] = session
        return session

    def get(self, session_id: object) -> Session | None:
        """The session, touched; None when unknown or idle too long (then it is gone)."""
        if not isinstance(session_id, str):
            return None
        session = self._sessions.get(session_id)
        now = self._clock()
        if session is None or now - session.last_seen > self._idle:
            self._sessions.pop(session_id, None)
            return None
        session.last_seen = now
        return session

    def drop(self, session_id: object) -> Session | None:
        return self._sessions.pop(session_id, None) if isinstance(session_id, str) else None

    def __len__(self) -> int:
        return len(self._sessions)

    def _forget_idle(self) -> None:
        now = self._clock()
        for key in [k for k, s in self._sessions.items() if now - s.last_seen > self._idle]:
            del self._sessions[key]
