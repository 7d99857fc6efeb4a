"""Pure rules of the outreach service."""
