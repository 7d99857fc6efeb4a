"""The durable tables: which view schema is live, the audit log, dead letters.

The view itself lives in a schema of its own (``view_<n>``) that a replay rebuilds and
switches to; its tables are made by ``coordination.store.schema``, not by migrations.

Revision ID: 0001
Revises:
"""

from samverkan_common.migrations import run_sql

revision = "0001"
down_revision = None


def upgrade() -> None:
    run_sql(
        """
        CREATE SCHEMA coordination;
        CREATE TABLE coordination.live_view (
            singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            schema_name text        NOT NULL,
            switched_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE SEQUENCE coordination.view_generation;
        CREATE TABLE coordination.audit_log (
            seq          bigint PRIMARY KEY,
            at           timestamptz NOT NULL,
            actor        text        NOT NULL,
            organisation text        NOT NULL,
            roles        text[]      NOT NULL,
            action       text        NOT NULL,
            target       text        NOT NULL,
            purpose      text        NOT NULL,
            prev_hash    bytea       NOT NULL,
            hash         bytea       NOT NULL
        );
        COMMENT ON TABLE coordination.audit_log IS
            'Append-only, hash-chained: hash = sha256(prev_hash || canonical record)';
        CREATE FUNCTION coordination.audit_log_append_only() RETURNS trigger
            LANGUAGE plpgsql
            AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
            ON coordination.audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION coordination.audit_log_append_only();
        CREATE TABLE coordination.dead_letters (
            topic           text        NOT NULL,
            partition       integer     NOT NULL,
            "offset"        bigint      NOT NULL,
            record_time     timestamptz,
            event_type      text,
            error_class     text        NOT NULL,
            error_message   text        NOT NULL,
            dead_lettered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (topic, partition, "offset")
        );
        CREATE INDEX dead_letters_recent ON coordination.dead_letters (dead_lettered_at DESC);
        """,
    )
