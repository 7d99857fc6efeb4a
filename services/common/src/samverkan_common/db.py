"""PostgreSQL connection pool, made in a service's lifespan (never at import time)."""

from __future__ import annotations

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from samverkan_common.settings import ServiceSettings


async def create_pool(settings: ServiceSettings) -> asyncpg.Pool:
    """Open a pool to the service's own database; fails fast when it is unreachable."""
    return await asyncpg.create_pool(
        dsn=settings.database_dsn,
        min_size=1,
        max_size=settings.database_pool_size,
        timeout=10,
        command_timeout=30,
        server_settings={"search_path": settings.database_schema},
    )


#: A connection as use cases see it: a plain one or one borrowed from a pool.
Connection = asyncpg.Connection | PoolConnectionProxy
