"""What a dead-lettered record carries: its original key, value and headers, plus ``dlt_*``
headers that say where it came from and why it failed (names from the contracts' DLT_HEADERS).

Error messages are redacted before they leave the process: subject references, anything that
looks like a number of six digits or more, and e-mail addresses are masked, and the message is
cut short. The contracts' own errors never echo values; this guards against everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coordination.domain.records import Record

MAX_MESSAGE = 300
_MASKS = (
    (re.compile(r"subj_[a-z2-7]{8,}"), "subj_<redacted>"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "<redacted-email>"),
    (re.compile(r"\d[\d\s+-]{4,}\d"), "<redacted-number>"),
)


def redact(message: str) -> str:
    """The message with subject references, long numbers and e-mail addresses masked."""
    for pattern, mask in _MASKS:
        message = pattern.sub(mask, message)
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record the projections gave up on, and why."""

    record: Record
    error_class: str
    error_message: str

    @classmethod
    def of(cls, record: Record, error: BaseException) -> DeadLetter:
        return cls(record, type(error).__name__, redact(str(error)))

    def headers(self, consumer_group: str, attempts: int = 1) -> list[tuple[str, bytes]]:
        """The original headers, then the ``dlt_*`` reason headers (earlier ones replaced)."""
        r = self.record
        reasons = {
            "dlt_original_topic": r.topic,
            "dlt_original_partition": str(r.partition),
            "dlt_original_offset": str(r.offset),
            "dlt_original_timestamp": "" if r.timestamp is None else str(r.timestamp),
            "dlt_consumer_group": consumer_group,
            "dlt_error_class": self.error_class,
            "dlt_error_message": self.error_message,
            "dlt_attempts": str(attempts),
        }
        kept = [(k, v) for k, v in r.headers if k not in reasons]
        return kept + [(k, v.encode("utf-8")) for k, v in reasons.items()]
