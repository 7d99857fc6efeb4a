"""HTTP routes of the treatment service (ingestion itself is shared)."""
