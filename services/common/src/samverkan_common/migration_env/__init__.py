"""Alembic environment shared by every service; loaded by Alembic from its path."""
