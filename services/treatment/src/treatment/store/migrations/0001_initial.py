"""Initial schema: inbox, outbox, plans, consents, referrals, consultations, episodes, housing.

Free text (reasons, explanations, advice, case summaries) travels in the events and is
not kept here: the service keeps what its rules and read endpoints need.

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
        CREATE TABLE consents (
            consent_id            uuid PRIMARY KEY,
            district              text   NOT NULL,
            subject_ref           text   NOT NULL,
            granting_organisation text   NOT NULL,
            recipients            text[] NOT NULL,
            purpose               text   NOT NULL,
            given_on              date   NOT NULL,
            valid_until           date   NOT NULL,
            status                text   NOT NULL,
            revoked_on            date
        );
        CREATE INDEX consents_subject ON consents (subject_ref);
        CREATE TABLE referrals (
            referral_id       uuid        PRIMARY KEY,
            district          text        NOT NULL,
            subject_ref       text        NOT NULL,
            from_organisation text        NOT NULL,
            to_organisation   text        NOT NULL,
            service           text        NOT NULL,
            urgency           text        NOT NULL,
            respond_by        timestamptz NOT NULL,
            consent_id        uuid REFERENCES consents,
            legal_basis       text,
            status            text        NOT NULL,
            sent_at           timestamptz NOT NULL,
            -- step name -> when it was taken (the event's time), e.g. {"sent": "..."}
            steps             jsonb       NOT NULL,
            planned_start     date,
            decline_reason    text,
            outcome           text,
            CHECK ((consent_id IS NULL) <> (legal_basis IS NULL))
        );
        CREATE INDEX referrals_sender ON referrals (from_organisation, status);
        CREATE INDEX referrals_receiver ON referrals (to_organisation, status);
        CREATE INDEX referrals_district ON referrals (district, status);
        CREATE TABLE consultations (
            consultation_id  uuid        PRIMARY KEY,
            district         text        NOT NULL,
            requested_by     text        NOT NULL,
            requested_of     text        NOT NULL,
            question         text        NOT NULL,
            age_band         text        NOT NULL,
            respond_by       timestamptz NOT NULL,
            status           text        NOT NULL,
            requested_at     timestamptz NOT NULL,
            answered_at      timestamptz,
            follow_up_needed boolean,
            closed_at        timestamptz,
            resolution       text
        );
        CREATE INDEX consultations_requested_by ON consultations (requested_by, status);
        CREATE INDEX consultations_requested_of ON consultations (requested_of, status);
        CREATE TABLE episodes (
            episode_id  uuid PRIMARY KEY,
            district    text NOT NULL,
            subject_ref text NOT NULL,
            provided_by text NOT NULL,
            kind        text NOT NULL,
            referral_id uuid REFERENCES referrals,
            started_on  date NOT NULL,
            status      text NOT NULL,
            ended_on    date,
            end_reason  text
        );
        CREATE INDEX episodes_provider ON episodes (provided_by, status);
        CREATE INDEX episodes_district ON episodes (district, status);
        CREATE TABLE housing_offers (
            offer_id       uuid        PRIMARY KEY,
            district       text        NOT NULL,
            subject_ref    text        NOT NULL,
            offered_by     text        NOT NULL,
            kind           text        NOT NULL,
            available_from date        NOT NULL,
            offered_at     timestamptz NOT NULL
        );
        """,
    )
