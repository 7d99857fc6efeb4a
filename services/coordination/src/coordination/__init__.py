"""Samverkan coordination service."""
