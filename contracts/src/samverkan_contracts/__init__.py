"""Samverkan event contracts: the single source of truth for what travels on Kafka and HTTP.

Modules services use:

* ``envelope``: ``CloudEvent``, ``new_event``, ``parse_event``, ``parse_client_event``;
  HTTP ``parse_structured``, ``parse_batch``, ``to_structured``, ``to_batch``,
  ``error_body``; Kafka ``to_kafka``, ``from_kafka``; ``InvalidEventError``.
* ``registry``: ``EVENT_TYPES`` (type -> model, topic, key, area, sensitivity).
* ``topics``: ``TOPICS``, ``AREA_TOPICS``, ``DLT_HEADERS``.
* ``events.<domain>``: the data models (prevention, outreach, treatment,
  trafficking, plans, privacy).
* ``guard``: ``find_identity_numbers`` for raw JSON bodies.
* ``subjects``: ``subject_ref_from_number``, ``subject_ref_from_local_id``.
* ``organisations``: ``load_organisations`` (data, not an enum).
* ``generate``: ``python -m samverkan_contracts.generate`` (``make schemas``).
"""
