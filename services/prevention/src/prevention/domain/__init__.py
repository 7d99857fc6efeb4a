"""Pure rules of the prevention service."""
