"""Settings of the dashboard: environment variables prefixed ``DASHBOARD_``.

The dashboard holds no case data of its own: it signs people in with Keycloak (authorisation
code with PKCE), keeps their tokens on the server, and calls the coordination service with
the signed-in person's access token. The coordination service decides what each person sees.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from samverkan_common.settings import Environment

#: The development-only session secret; refused outside development and tests.
DEVELOPMENT_SESSION_SECRET = "dev-dashboard-session-secret-change-me"  # noqa: S105 - dev only


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", frozen=True, extra="ignore")

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="Where the dashboard runs; development-only secrets are refused in production.",
    )
    http_host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    http_port: int = Field(default=8110, description="Port the web server listens on.")
    public_url: str | None = Field(
        default=None,
        description="The dashboard's address as browsers see it (for the login redirect); "
        "by default taken from each request, which suits loopback development.",
        examples=["https://samverkan.stockholm.se"],
    )
    coordination_url: str = Field(
        default="http://127.0.0.1:8100", description="Base URL of the coordination query API."
    )
    coordination_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Timeout of one call to the coordination API."
    )
    keycloak_issuer: str = Field(
        default="http://127.0.0.1:18080/realms/samverkan",
        description="Issuer of the city's realm (OpenID Connect discovery is read from it).",
    )
    client_id: str = Field(
        default="samverkan-dashboard",
        description="The public Keycloak client people sign in through (PKCE S256).",
    )
    token_audience: str = Field(
        default="samverkan-coordination",
        description="Audience the access token must carry: the API the dashboard calls with it.",
    )
    refresh_margin_seconds: int = Field(
        default=30,
        ge=0,
        le=3600,
        description="Refresh the access token when it expires within this many seconds.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=600, description="A session unused this long ends (sign in again)."
    )
    session_secret: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SESSION_SECRET),
        description="Signs the session cookie (which holds only a random session id).",
    )
    secure_cookies: bool = Field(
        default=False, description="Send cookies over HTTPS only (on in production)."
    )
    default_language: str = Field(
        default="sv", pattern="^(sv|en)$", description="Language of a first visit: sv or en."
    )

    @property
    def metadata_url(self) -> str:
        return f"{self.keycloak_issuer.rstrip('/')}/.well-known/openid-configuration"

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.session_secret.get_secret_value() == DEVELOPMENT_SESSION_SECRET:
                raise ValueError("session_secret is a development-only secret")
            if not self.secure_cookies:
                raise ValueError("secure_cookies must be on in production")
        if len(self.session_secret.get_secret_value()) < 32:  # noqa: PLR2004 - 256 bits of text
            raise ValueError("session_secret must be at least 32 characters")
        return self
