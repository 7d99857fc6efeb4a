"""HTTP routes of the prevention service (ingestion itself is shared)."""
