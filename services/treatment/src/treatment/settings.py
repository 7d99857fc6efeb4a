"""Settings of the treatment service: environment variables prefixed ``TREATMENT_``."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from samverkan_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TREATMENT_", frozen=True, extra="ignore")

    database_name: str = Field(
        default="samverkan_treatment", description="The treatment service's own database."
    )
    http_port: int = Field(default=8103, description="Port of the treatment HTTP API.")
