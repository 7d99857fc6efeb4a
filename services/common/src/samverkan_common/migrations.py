"""Schema migrations with Alembic: one shared environment, each service its own versions.

A service keeps plain-SQL revisions in ``store/migrations/`` and calls :func:`migrate`
at start-up; Alembic records the revision in the service's own database.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, op
from alembic.config import Config

from samverkan_common.settings import ServiceSettings

_ENVIRONMENT = Path(__file__).parent / "migration_env"


def alembic_config(settings: ServiceSettings, versions: Path) -> Config:
    """An Alembic configuration for one service's database and revisions."""
    config = Config()
    config.set_main_option("script_location", str(_ENVIRONMENT))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(versions))
    config.attributes["dsn"] = settings.database_dsn.replace(
        "postgresql://", "postgresql+asyncpg://", 1
    )
    config.attributes["schema"] = settings.database_schema
    return config


async def migrate(settings: ServiceSettings, versions: Path) -> None:
    """Bring the service's database to the newest revision (Alembic runs in a worker thread)."""
    await asyncio.to_thread(command.upgrade, alembic_config(settings, versions), "head")


def run_sql(*scripts: str) -> None:
    """Run DDL scripts from a revision, one statement at a time.

    asyncpg prepares every statement and refuses several in one; our DDL scripts hold no
    semicolons inside literals, so splitting on statement ends is exact for them.
    """
    for script in scripts:
        for statement in script.split(";\n"):
            if statement.strip():
                op.execute(statement)
