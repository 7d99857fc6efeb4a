"""The envelope and its bindings: what services import to build, send and read events.

* ``CloudEvent``: the CloudEvents 1.0 model; ``new_event`` builds one from data.
* ``parse_event``: a trusted decoded event; ``parse_client_event``: a client's
  (``actororg`` from its token).
* HTTP, structured mode: ``parse_structured``, ``parse_batch``, ``to_structured``,
  ``to_batch``, ``error_body``.
* Kafka, binary mode: ``to_kafka`` -> ``KafkaRecord(key, value, headers)``, ``from_kafka``.

Every parse function raises ``InvalidEventError`` (``IdentityNumberFoundError`` for
an identity number), whose messages name JSON paths and never echo values.
"""

from samverkan_contracts._event import (
    DATACONTENTTYPE,
    SPECVERSION,
    CloudEvent,
    envelope_model,
    new_event,
    parse_client_event,
    parse_event,
    wire_dict,
)
from samverkan_contracts._http import (
    BATCH_CONTENT_TYPE,
    MAX_BATCH_EVENTS,
    STRUCTURED_CONTENT_TYPE,
    error_body,
    parse_batch,
    parse_structured,
    to_batch,
    to_structured,
)
from samverkan_contracts._kafka import KafkaRecord, from_kafka, to_kafka
from samverkan_contracts.errors import IdentityNumberFoundError, InvalidEventError

__all__ = [
    "BATCH_CONTENT_TYPE",
    "DATACONTENTTYPE",
    "MAX_BATCH_EVENTS",
    "SPECVERSION",
    "STRUCTURED_CONTENT_TYPE",
    "CloudEvent",
    "IdentityNumberFoundError",
    "InvalidEventError",
    "KafkaRecord",
    "envelope_model",
    "error_body",
    "from_kafka",
    "new_event",
    "parse_batch",
    "parse_client_event",
    "parse_event",
    "parse_structured",
    "to_batch",
    "to_kafka",
    "to_structured",
    "wire_dict",
]
