"""The outbox keeps the order of rows written by one statement (a request's events).

Revision ID: 0002
Revises: 0001
"""

from samverkan_common import outbox
from samverkan_common.migrations import run_sql

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    run_sql(outbox.ORDER_DDL)
