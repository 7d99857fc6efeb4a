"""The central unit's dashboard: Swedish-first pages over the coordination service's view."""
