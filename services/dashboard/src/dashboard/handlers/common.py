"""What every page handler needs: the signed-in session and the coordination API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.requests import Request

from dashboard.auth import signed_in
from dashboard.coordination import Coordination
from dashboard.sessions import Session

Signed = Annotated[Session, Depends(signed_in)]
DistrictCode = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,64}$")]
DistrictFilter = Annotated[str | None, Query(pattern=r"^[a-z0-9-]{0,64}$")]
Flag = Annotated[bool, Query()]


def api(request: Request) -> Coordination:
    coordination: Coordination = request.app.state.coordination
    return coordination
