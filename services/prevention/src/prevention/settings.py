"""Settings of the prevention service: environment variables prefixed ``PREVENTION_``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from samverkan_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PREVENTION_", frozen=True, extra="ignore")

    database_name: str = Field(
        default="samverkan_prevention", description="The prevention service's own database."
    )
    http_port: int = Field(default=8101, description="Port of the prevention HTTP API.")
