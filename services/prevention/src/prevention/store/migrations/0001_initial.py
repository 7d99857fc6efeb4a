"""Initial schema: inbox, outbox, activities, training requests and plans.

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
        CREATE TABLE activities (
            activity_id  uuid PRIMARY KEY,
            district     text    NOT NULL,
            actororg     text    NOT NULL,
            held_on      date    NOT NULL,
            setting      text    NOT NULL,
            topic        text    NOT NULL,
            participants integer NOT NULL,
            age_band     text    NOT NULL
        );
        CREATE INDEX activities_district ON activities (district, held_on);
        CREATE TABLE trainings (
            -- the request id, or the training id of a training nobody requested
            training_key  uuid PRIMARY KEY,
            district      text NOT NULL,
            requested_by  text,
            topic         text NOT NULL,
            audience      text NOT NULL,
            status        text NOT NULL,
            delivered_on  date,
            participants  integer
        );
        CREATE INDEX trainings_district ON trainings (district);
        """,
    )
