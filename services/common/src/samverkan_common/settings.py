"""The settings every service shares: typed, prefixed per service, failing fast.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix``
(e.g. ``TREATMENT_``). Defaults point at the local stack that ``make up`` starts;
outside development the development-only secrets are refused.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Secrets that exist only for the local stack; documented in deploy/local and deploy/keycloak.
DEVELOPMENT_ONLY_SECRETS = frozenset({"samverkan-dev", "admin"})


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Connection settings shared by all services."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="Where the service runs; development-only secrets are refused elsewhere.",
    )
    database_host: str = Field(default="127.0.0.1", description="PostgreSQL host.")
    database_port: int = Field(default=55432, description="PostgreSQL port.", examples=[5432])
    database_name: str = Field(
        default="samverkan",
        description="This service's own database.",
        examples=["samverkan_treatment"],
    )
    database_schema: str = Field(
        default="public",
        pattern=r"^[a-z_][a-z0-9_]*$",
        description="Schema holding the service's tables (tests isolate themselves with one).",
    )
    database_user: str = Field(default="samverkan", description="PostgreSQL role.")
    database_password: SecretStr = Field(
        default=SecretStr("samverkan-dev"), description="PostgreSQL password."
    )
    database_pool_size: int = Field(default=10, ge=1, le=100, description="Connections kept open.")
    kafka_bootstrap: str = Field(
        default="127.0.0.1:19092", description="Kafka bootstrap servers, comma-separated."
    )
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP API listens on.")
    http_port: int = Field(default=8100, description="Port the HTTP API listens on.")
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (413 beyond)."
    )
    relay_enabled: bool = Field(
        default=True,
        description="Run the outbox relay in this process (off only to test crash recovery).",
    )
    keycloak_issuer: str = Field(
        default="http://127.0.0.1:18080/realms/samverkan",
        description="Issuer of the city's realm; tokens must carry exactly this `iss`.",
    )

    @property
    def database_dsn(self) -> str:
        pw = self.database_password.get_secret_value()
        return (
            f"postgresql://{self.database_user}:{pw}@{self.database_host}:"
            f"{self.database_port}/{self.database_name}"
        )

    @property
    def jwks_url(self) -> str:
        return f"{self.keycloak_issuer}/protocol/openid-connect/certs"

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> ServiceSettings:
        if self.environment is Environment.PRODUCTION and (
            self.database_password.get_secret_value() in DEVELOPMENT_ONLY_SECRETS
        ):
            raise ValueError("database_password is a development-only secret")
        return self
