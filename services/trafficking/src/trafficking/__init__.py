"""Samverkan trafficking service."""
