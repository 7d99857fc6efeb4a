"""The audit log's hash chain: each record's hash covers the previous hash and the record, so
changing, removing or reordering any record breaks every link after it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = bytes(32)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """Who read what, when and why."""

    seq: int
    at: datetime
    actor: str
    organisation: str
    roles: tuple[str, ...]
    action: str
    target: str
    purpose: str

    def canonical(self) -> bytes:
        body = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "organisation": self.organisation,
            "roles": sorted(self.roles),
            "action": self.action,
            "target": self.target,
            "purpose": self.purpose,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def link(prev_hash: bytes, record: AuditRecord) -> bytes:
    return hashlib.sha256(prev_hash + record.canonical()).digest()


@dataclass(frozen=True, slots=True)
class Broken:
    """The first record whose link does not hold, and why."""

    seq: int
    reason: str


def verify(chain: Iterable[tuple[AuditRecord, bytes, bytes]]) -> tuple[int, Broken | None]:
    """Check (record, prev_hash, hash) triples in order; return how many held and the first
    broken link, if any."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for record, prev_hash, stored_hash in chain:
        if record.seq != expected_seq:
            return checked, Broken(record.seq, f"expected record {expected_seq} (a gap)")
        if prev_hash != expected_prev:
            return checked, Broken(record.seq, "its previous hash is not the hash before it")
        if link(prev_hash, record) != stored_hash:
            return checked, Broken(record.seq, "its content does not match its hash")
        expected_prev, expected_seq = stored_hash, expected_seq + 1
        checked += 1
    return checked, None
