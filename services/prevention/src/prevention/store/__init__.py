"""The prevention service's tables."""
