"""Coordination service: consumes every area topic into the central unit's shared view and
serves it (query API, live updates, exports), with audit, erasure and replay."""
