"""Trafficking service: restricted trafficking cases and their steps, trafficking plans."""
