"""Pure rules of the trafficking service."""
