"""Every service has its own database in the PostgreSQL that the local stack started."""

from __future__ import annotations

import pytest

from samverkan_common.db import create_pool
from samverkan_common.settings import ServiceSettings
from tests.stack import SERVICES, STACK


@pytest.mark.parametrize("service", SERVICES)
async def test_service_database_answers(service: str) -> None:
    settings = ServiceSettings(database_port=STACK.pg_port, database_name=f"samverkan_{service}")
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT current_database() AS db, current_user AS usr, "
                "split_part(current_setting('server_version'), '.', 1) AS major"
            )
    finally:
        await pool.close()
    assert row is not None
    assert (row["db"], row["usr"], row["major"]) == (f"samverkan_{service}", "samverkan", "15")
