"""HTTP routes of the coordination service (the Kafka side is coordination.consumer)."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from coordination.handlers import ops, views  # noqa: PLC0415 - routes import the use cases

    return [views.router, ops.router]
