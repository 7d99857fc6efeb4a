"""HTTP routes of the dashboard: sign-in, the pages, live updates."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from dashboard.handlers import cases, live, oversight, signin  # noqa: PLC0415 - routes import the app's parts

    return [signin.router, cases.router, oversight.router, live.router]
