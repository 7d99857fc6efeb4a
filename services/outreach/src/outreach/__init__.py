"""Samverkan outreach service."""
