"""Samverkan event contracts."""
