"""The deny-list of erased subjects and aggregates holds digests, never the references."""

from __future__ import annotations

import hashlib


def subject_digest(subject_ref: str) -> bytes:
    return hashlib.sha256(b"subject:" + subject_ref.encode("utf-8")).digest()


def aggregate_digest(aggregate_id: str) -> bytes:
    return hashlib.sha256(b"aggregate:" + aggregate_id.encode("utf-8")).digest()
