"""HTTP routes of the coordination service (the Kafka side is coordination.consumer)."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    return []
