"""Event data models, one module per domain. The registry maps them to types and topics."""
