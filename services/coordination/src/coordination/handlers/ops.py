"""Operators' and auditors' routes: dead letters, the audit log, live updates."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sse_starlette import EventSourceResponse

from coordination.domain.access import AUDITOR, OPERATOR
from coordination.models import AuditEntry, DeadLetterView
from coordination.store import audit
from samverkan_common.problems import Forbidden
from samverkan_common.scope import readable_districts
from samverkan_common.web import CurrentPrincipal

router = APIRouter(tags=["operations"])


@router.get("/dead-letters", summary="Records the projections gave up on (operators)")
async def dead_letters(
    request: Request,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeadLetterView]:
    if OPERATOR not in principal.realm_roles:
        raise Forbidden("only operators list dead letters")
    rows = await request.app.state.pool.fetch(
        "SELECT * FROM coordination.dead_letters ORDER BY dead_lettered_at DESC LIMIT $1", limit
    )
    return [DeadLetterView(**dict(r)) for r in rows]


@router.get("/audit", summary="The audit log of subject-level reads (auditors)")
async def audit_log(
    request: Request,
    principal: CurrentPrincipal,
    after: Annotated[int, Query(ge=0, description="Records after this sequence number.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntry]:
    if AUDITOR not in principal.realm_roles:
        raise Forbidden("only auditors read the audit log")
    async with request.app.state.pool.acquire() as conn:
        rows = await audit.page(conn, after, limit)
    return [
        AuditEntry(**{**dict(r), "roles": list(r["roles"]), "hash": bytes(r["hash"]).hex()})
        for r in rows
    ]


@router.get("/stream", summary="Live updates (server-sent events) when the view changes")
async def stream(request: Request, principal: CurrentPrincipal) -> EventSourceResponse:
    scope = readable_districts(principal)
    changes = request.app.state.changes

    async def events() -> AsyncIterator[dict[str, str]]:
        queue = changes.subscribe()
        try:
            yield {"event": "ready", "data": "{}"}
            while True:
                change = await queue.get()
                mine = [d for d in change.get("districts", []) if scope is None or d in scope]
                if mine:
                    body = {"districts": mine, "areas": change.get("areas", [])}
                    yield {"event": "view-changed", "data": json.dumps(body)}
        finally:
            changes.unsubscribe(queue)

    return EventSourceResponse(events(), ping=15)
