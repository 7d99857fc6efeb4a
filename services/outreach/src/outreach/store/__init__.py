"""The outreach service's tables."""
