"""The trafficking service's tables."""
