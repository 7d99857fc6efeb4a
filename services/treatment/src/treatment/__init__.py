"""Samverkan treatment service."""
