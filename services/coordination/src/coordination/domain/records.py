"""A Kafka record as the projections see it, whatever client read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a topic partition: where it is, and its key, value and headers."""

    topic: str
    partition: int
    offset: int
    timestamp: int | None
    key: bytes | None
    value: bytes
    headers: Sequence[tuple[str, bytes]]

    @classmethod
    def of(cls, consumer_record: Any) -> Record:
        """From an aiokafka ``ConsumerRecord``."""
        return cls(
            topic=consumer_record.topic,
            partition=consumer_record.partition,
            offset=consumer_record.offset,
            timestamp=consumer_record.timestamp,
            key=consumer_record.key,
            value=consumer_record.value if consumer_record.value is not None else b"",
            headers=tuple(consumer_record.headers or ()),
        )

    @property
    def header_type(self) -> str | None:
        """The ``ce_type`` header, if it is readable (for listing dead letters)."""
        for name, raw in self.headers:
            if name.lower() == "ce_type":
                try:
                    return raw.decode("utf-8")[:200]
                except UnicodeDecodeError:
                    return None
        return None
