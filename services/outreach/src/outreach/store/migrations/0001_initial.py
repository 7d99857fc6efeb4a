"""Initial schema: inbox, outbox, plans, contacts, observations, operations, housing signals.

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
        CREATE TABLE contacts (
            contact_id      uuid PRIMARY KEY,
            district        text        NOT NULL,
            actororg        text        NOT NULL,
            contacted_at    timestamptz NOT NULL,
            arena           text        NOT NULL,
            -- pseudonymous; exactly one of subject_ref and anonymous_count is set
            subject_ref     text,
            anonymous_count integer,
            age_band        text        NOT NULL,
            needs           text[]      NOT NULL,
            CHECK ((subject_ref IS NULL) <> (anonymous_count IS NULL))
        );
        CREATE INDEX contacts_district ON contacts (district, contacted_at);
        CREATE INDEX contacts_subject ON contacts (subject_ref) WHERE subject_ref IS NOT NULL;
        CREATE TABLE observations (
            observation_id uuid PRIMARY KEY,
            district       text    NOT NULL,
            actororg       text    NOT NULL,
            arena          text    NOT NULL,
            period_start   date    NOT NULL,
            period_end     date    NOT NULL,
            unit           text    NOT NULL,
            observed_count integer NOT NULL,
            note           text
        );
        CREATE INDEX observations_district ON observations (district, period_start);
        CREATE TABLE operations (
            operation_id   uuid PRIMARY KEY,
            district       text    NOT NULL,
            planned_by     text    NOT NULL,
            planned_for    date    NOT NULL,
            arena          text    NOT NULL,
            participants   text[]  NOT NULL,
            purpose        text    NOT NULL,
            status         text    NOT NULL,
            completed_by   text,
            completed_on   date,
            contacts_made  integer,
            referrals_made integer,
            note           text
        );
        CREATE INDEX operations_district ON operations (district, planned_for);
        CREATE INDEX operations_participants ON operations USING gin (participants);
        CREATE TABLE housing_signals (
            signal_id    uuid PRIMARY KEY,
            district     text   NOT NULL,
            reported_by  text   NOT NULL,
            property_ref text   NOT NULL,
            indicators   text[] NOT NULL,
            observed_on  date   NOT NULL
        );
        CREATE INDEX housing_signals_district ON housing_signals (district, observed_on);
        CREATE INDEX housing_signals_reporter ON housing_signals (reported_by, observed_on);
        """,
    )
