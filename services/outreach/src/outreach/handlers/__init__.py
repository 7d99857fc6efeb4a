"""HTTP routes of the outreach service (ingestion itself is shared)."""
