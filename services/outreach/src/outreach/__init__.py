"""Outreach service: field and online contacts, arena observations, joint operations,
housing companies' signals and outreach plans."""
