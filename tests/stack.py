"""Where the local stack listens: the same variables and defaults as deploy/local/lib.sh."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Stack:
    pg_port: int = _port("PG_PORT", 55432)
    kafka_port: int = _port("KAFKA_PORT", 19092)
    keycloak_port: int = _port("KEYCLOAK_PORT", 18080)
    zipkin_port: int = _port("ZIPKIN_PORT", 9411)

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.keycloak_port}/realms/samverkan"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"


STACK = Stack()
SERVICES = ("prevention", "outreach", "treatment", "trafficking", "coordination")
