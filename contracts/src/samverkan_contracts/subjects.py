"""Pseudonymous subject references: how people are named on the platform.

Format: ``subj_`` followed by the lower-case, unpadded base32 of a 32-byte
HMAC-SHA256 (52 characters). The key is a platform secret passed in by the
caller (at least 32 bytes) and never stored in code. Every organisation that
uses the same key gets the same reference for the same person:

* ``subject_ref_from_number`` checks a personnummer or samordningsnummer, in
  any accepted format, and normalises it to the 12-digit form first.
* ``subject_ref_from_local_id`` covers people without a number (a reserve
  number or an alias): the issuing organisation's code is part of the input,
  so two organisations' local ids never collide.

A person whose samordningsnummer is later replaced by a personnummer gets a new
reference; linking the two is a case decision, not something this module guesses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints

from samverkan_contracts.idnumbers import contains_identity_number, parse_identity_number
from samverkan_contracts.organisations import is_known_organisation

if TYPE_CHECKING:
    from datetime import date

SUBJECT_REF_PREFIX = "subj_"
SUBJECT_REF_PATTERN = r"^subj_[a-z2-7]{52}$"
MIN_KEY_BYTES = 32
_LOCAL_ID_MAX = 128
_SUBJECT_REF = re.compile(SUBJECT_REF_PATTERN)

#: A pseudonymous subject reference, the only way an event refers to a person.
SubjectRef = Annotated[
    str,
    StringConstraints(pattern=SUBJECT_REF_PATTERN),
    Field(
        description="Pseudonymous subject reference: subj_ + base32 of a keyed HMAC.",
        examples=["subj_dtoldk24wx3gj4ius6liju6lz2vhvmeepfv4ns5mz3kdmyrbwana"],
    ),
]


def is_subject_ref(value: str) -> bool:
    """True when ``value`` has the subject reference format."""
    return bool(_SUBJECT_REF.match(value))


def _reference(key: bytes, message: str) -> str:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the pseudonymisation key must be at least {MIN_KEY_BYTES} bytes")
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return SUBJECT_REF_PREFIX + base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def subject_ref_from_number(number: str, key: bytes, *, today: date | None = None) -> str:
    """The reference for a personnummer or samordningsnummer written in any accepted format.

    Raises InvalidIdentityNumberError (which never echoes the number) if it is not valid.
    """
    checked = parse_identity_number(number, today=today)
    return _reference(key, "se-identity-number:" + checked.twelve_digits)


def subject_ref_from_local_id(issuer: str, local_id: str, key: bytes) -> str:
    """The reference for a person without a number: a reserve number or an alias.

    ``issuer`` is the organisation code that issued the local id. Case and runs of
    white space in ``local_id`` do not matter. A local id that holds a valid
    identity number is refused: use ``subject_ref_from_number`` for it.
    """
    if not is_known_organisation(issuer):
        raise ValueError("unknown issuing organisation code")
    normal = " ".join(local_id.split()).casefold()
    if not normal or len(normal) > _LOCAL_ID_MAX:
        raise ValueError(f"a local id has 1 to {_LOCAL_ID_MAX} characters")
    if contains_identity_number(normal):
        raise ValueError("the local id holds an identity number; use subject_ref_from_number")
    return _reference(key, f"local-id:{issuer}:{normal}")
