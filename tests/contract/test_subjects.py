"""Subject references: one format, one reference per person whatever the written form."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_contracts.idnumbers import InvalidIdentityNumberError
from samverkan_contracts.subjects import (
    MIN_KEY_BYTES,
    is_subject_ref,
    subject_ref_from_local_id,
    subject_ref_from_number,
)

from .strategies import Person, people

TODAY = date(2026, 5, 9)
KEY = b"test key for subject references, 32+ bytes"
OTHER_KEY = b"another test key for references, 32+ bytes"


@given(people(TODAY))
def test_one_person_in_every_format_gets_one_reference(person: Person) -> None:
    refs = {subject_ref_from_number(form, KEY, today=TODAY) for form in person.renderings(TODAY)}
    assert len(refs) == 1
    (ref,) = refs
    assert is_subject_ref(ref)
    assert ref != subject_ref_from_number(person.renderings(TODAY)[0], OTHER_KEY, today=TODAY)


@given(people(TODAY), people(TODAY))
def test_different_people_get_different_references(first: Person, second: Person) -> None:
    same = first.date_digits + first.tail() == second.date_digits + second.tail()
    a = subject_ref_from_number(first.renderings(TODAY)[0], KEY, today=TODAY)
    b = subject_ref_from_number(second.renderings(TODAY)[0], KEY, today=TODAY)
    assert (a == b) == same


def test_the_reference_is_an_hmac_of_the_twelve_digit_form() -> None:
    # The derivation is part of the contract: changing it would split every subject's history.
    digest = hmac.new(KEY, b"se-identity-number:198112189876", hashlib.sha256).digest()
    expected = "subj_" + base64.b32encode(digest).decode().rstrip("=").lower()
    assert subject_ref_from_number("811218-9876", KEY, today=TODAY) == expected
    assert expected == "subj_jxtquzw3qy76y5judutjlvvp73qjbvo2atrg2wq5nsug4znunhxa"


def test_invalid_numbers_are_refused_without_echo() -> None:
    with pytest.raises(InvalidIdentityNumberError) as info:
        subject_ref_from_number("811218-9875", KEY, today=TODAY)
    assert "811218" not in str(info.value)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        subject_ref_from_number("811218-9876", b"x" * (MIN_KEY_BYTES - 1), today=TODAY)


def test_local_ids_share_the_format_and_ignore_case_and_spacing() -> None:
    ref = subject_ref_from_local_id("kista", "Reserve  4711-A", KEY)
    assert is_subject_ref(ref)
    assert ref == subject_ref_from_local_id("kista", " reserve 4711-a ", KEY)
    assert ref != subject_ref_from_local_id("farsta", "reserve 4711-a", KEY)
    assert ref != subject_ref_from_local_id("kista", "reserve 4712-a", KEY)


def test_local_ids_refuse_numbers_and_unknown_issuers() -> None:
    with pytest.raises(ValueError, match="use subject_ref_from_number"):
        subject_ref_from_local_id("kista", "alias 811218-9876", KEY)
    with pytest.raises(ValueError, match="unknown issuing organisation"):
        subject_ref_from_local_id("atlantis", "alias", KEY)


@given(st.text(max_size=60))
def test_random_text_is_never_a_subject_reference_by_accident(text: str) -> None:
    assert is_subject_ref(text) == (
        text.startswith("subj_")
        and len(text) == 57
        and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in text[5:])
    )
