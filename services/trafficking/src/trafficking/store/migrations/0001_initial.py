"""Initial schema: inbox, outbox, plans, trafficking cases and their steps.

Revision ID: 0001
Revises:
"""

from samverkan_common import ingest, outbox, plans
from samverkan_common.migrations import run_sql

revision = "0001"
down_revision = None


def upgrade() -> None:
    run_sql(
        ingest.INBOX_DDL,
        outbox.DDL,
        plans.DDL,
        """
        CREATE TABLE cases (
            case_id       uuid PRIMARY KEY,
            district      text        NOT NULL,
            registered_by text        NOT NULL,
            registered_at timestamptz NOT NULL,
            subject_ref   text,
            indicators    text[]      NOT NULL,
            origin        text        NOT NULL,
            age_band      text        NOT NULL,
            status        text        NOT NULL,
            closed_on     date,
            outcome       text
        );
        CREATE INDEX cases_district ON cases (district, registered_at);
        CREATE TABLE case_steps (
            event_id    uuid PRIMARY KEY,
            case_id     uuid        NOT NULL REFERENCES cases,
            step        text        NOT NULL,
            occurred_on date        NOT NULL,
            recorded_by text        NOT NULL,
            recorded_at timestamptz NOT NULL,
            details     jsonb       NOT NULL
        );
        CREATE INDEX case_steps_case ON case_steps (case_id, occurred_on);
        """,
    )
