"""Settings of the coordination service: environment variables prefixed ``COORDINATION_``.

Rules and thresholds of the view (deadlines, alert rules, the k of small-cell suppression)
are settings too, so that the central unit can change them without a release. Mappings are
given as JSON, e.g. ``COORDINATION_REFERRAL_ACK_HOURS='{"urgent": 8, "routine": 48}'``.
"""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from samverkan_common.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COORDINATION_", frozen=True, extra="ignore")

    database_name: str = Field(
        default="samverkan_coordination", description="The coordination service's own database."
    )
    http_port: int = Field(default=8100, description="Port of the coordination query API.")
    consumer_group: str = Field(
        default="samverkan-coordination",
        description="Kafka consumer group of the projections (one group reads every topic).",
    )
    consume_enabled: bool = Field(
        default=True, description="Run the projections in this process (off for an API-only node)."
    )
    batch_size: int = Field(
        default=2000, ge=1, le=50_000, description="Most records applied in one transaction."
    )
    batch_wait_ms: int = Field(
        default=200,
        ge=1,
        le=10_000,
        description="How long a poll waits for the first record when none is buffered.",
    )
    fetch_min_bytes: int = Field(
        default=65_536,
        ge=1,
        le=52_428_800,
        description="Bytes Kafka gathers before answering a fetch (bigger batches, fewer "
        "transactions per event), waiting at most fetch_max_wait_ms.",
    )
    fetch_max_wait_ms: int = Field(
        default=20,
        ge=0,
        le=10_000,
        description="Longest Kafka holds a fetch for fetch_min_bytes: the latency a quiet "
        "stream pays for batches that make a busy one cheaper (benchmark P2).",
    )
    replay_workers: int = Field(
        default=3,
        ge=1,
        le=32,
        description="Processes a replay reads the area topics with, each its own share of the "
        "partitions; one more than the cores is the fastest, as each waits for PostgreSQL part "
        "of the time (benchmark P3).",
    )
    referral_ack_hours: dict[str, int] = Field(
        default={"urgent": 24, "routine": 72},
        description="Hours a receiver has to acknowledge a referral, by urgency.",
    )
    referral_completion_days: dict[str, int] = Field(
        default={"default": 180, "housing": 60, "protection": 30},
        description="Days from acceptance until a referral should be completed, by service "
        "(`default` for the rest).",
    )
    consultation_escalation_hours: tuple[int, ...] = Field(
        default=(0, 48),
        description="Hours after the requested response time at which an unanswered "
        "consultation is escalated one level further (level 1 at the first value, ...).",
    )
    overview_response_days: int = Field(
        default=365,
        ge=1,
        description="The overview's median consultation response time covers the "
        "consultations answered in this many days.",
    )
    repeated_contacts: int = Field(
        default=3, ge=2, description="Alert: this many outreach contacts with one subject ..."
    )
    repeated_contacts_days: int = Field(
        default=30, ge=1, description="... within this many days, and no referral for them."
    )
    housing_signals: int = Field(
        default=3, ge=2, description="Alert: this many housing signals in one district ..."
    )
    housing_signals_days: int = Field(default=60, ge=1, description="... within this many days.")
    page_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        le=60,
        description="The overview, referrals board, consultation queue and (unaudited) alerts "
        "are kept rendered per caller scope for at most this long; every change notice of the "
        "view forgets them at once, so this bounds only what sends no notice (a replay's "
        "switch-over) and what a page computes from the clock. 0 keeps none.",
    )
    page_cache_mib: int = Field(
        default=64,
        ge=0,
        description="Most MiB of rendered pages kept per process (the oldest go first; the "
        "central unit's board of 5,000 referrals is about 2 MiB).",
    )
    suppression_k: int = Field(
        default=5, ge=2, le=100, description="Indicator cells under k are suppressed."
    )

    @model_validator(mode="after")
    def _deadlines_complete(self) -> Settings:
        if not {"urgent", "routine"} <= self.referral_ack_hours.keys():
            raise ValueError("referral_ack_hours needs `urgent` and `routine`")
        if "default" not in self.referral_completion_days:
            raise ValueError("referral_completion_days needs a `default`")
        if list(self.consultation_escalation_hours) != sorted(self.consultation_escalation_hours):
            raise ValueError("consultation_escalation_hours must be ascending")
        return self
