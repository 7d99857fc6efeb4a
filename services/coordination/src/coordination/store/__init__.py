"""The coordination service's tables: the durable ``coordination`` schema (Alembic) and the
rebuildable view schemas ``view_<n>`` (made by code, rebuilt by replay)."""
