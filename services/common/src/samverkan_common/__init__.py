"""Shared library for Samverkan services."""
