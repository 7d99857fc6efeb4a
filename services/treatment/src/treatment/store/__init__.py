"""The treatment service's tables."""
