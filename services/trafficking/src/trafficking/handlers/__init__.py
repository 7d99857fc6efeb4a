"""HTTP routes of the trafficking service (ingestion itself is shared)."""
