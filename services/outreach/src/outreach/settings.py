"""Settings of the outreach service: environment variables prefixed ``OUTREACH_``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from samverkan_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OUTREACH_", frozen=True, extra="ignore")

    database_name: str = Field(
        default="samverkan_outreach", description="The outreach service's own database."
    )
    http_port: int = Field(default=8102, description="Port of the outreach HTTP API.")
