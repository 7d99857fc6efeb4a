"""The Alembic environment shared by every service (see samverkan_common.migrations)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, pool, text
from sqlalchemy.ext.asyncio import create_async_engine


def _run(connection: Connection) -> None:
    schema = context.config.attributes["schema"]
    # replicas starting together migrate one after the other (released at disconnect)
    connection.execute(text("SELECT pg_advisory_lock(hashtext('samverkan-migrations'))"))
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    connection.commit()
    context.configure(
        connection=connection, transaction_per_migration=True, version_table_schema=schema
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(
        context.config.attributes["dsn"],
        poolclass=pool.NullPool,
        connect_args={"server_settings": {"search_path": context.config.attributes["schema"]}},
    )
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


asyncio.run(_run_online())
