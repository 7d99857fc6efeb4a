"""Settings of the trafficking service: environment variables prefixed ``TRAFFICKING_``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from samverkan_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRAFFICKING_", frozen=True, extra="ignore")

    database_name: str = Field(
        default="samverkan_trafficking", description="The trafficking service's own database."
    )
    http_port: int = Field(default=8104, description="Port of the trafficking HTTP API.")
