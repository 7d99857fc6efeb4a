"""Swedish identity numbers: check digit, real dates, the +60 rule, century inference."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_contracts.idnumbers import (
    InvalidIdentityNumberError,
    contains_identity_number,
    luhn_check_digit,
    parse_identity_number,
    today_in_sweden,
)

from .strategies import Person, in_any_script, luhn, people

TODAY = date(2026, 5, 9)


@pytest.mark.parametrize(
    ("payload", "check"),
    [("811218987", 6), ("121212121", 2), ("640823323", 4), ("701063239", 1)],
)
def test_luhn_check_digit_matches_published_examples(payload: str, check: int) -> None:
    assert luhn_check_digit(payload) == check


@given(st.text("0123456789", min_size=9, max_size=9))
def test_luhn_agrees_with_an_independent_implementation(payload: str) -> None:
    assert luhn_check_digit(payload) == luhn(payload)


@pytest.mark.parametrize(
    ("text", "twelve"),
    [
        ("811218-9876", "198112189876"),
        ("8112189876", "198112189876"),
        ("811218 9876", "198112189876"),
        ("19811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("701063-2391", "197010632391"),  # samordningsnummer: day 03 + 60
        ("121212+1212", "191212121212"),  # '+': 100 years or older
        ("121212-1212", "201212121212"),
        ("  811218\u20139876 ", "198112189876"),  # en dash, surrounding space
    ],
)
def test_parse_normalises_to_twelve_digits(text: str, twelve: str) -> None:
    assert parse_identity_number(text, today=TODAY).twelve_digits == twelve


def test_century_is_the_latest_past_year_for_ten_digit_forms() -> None:
    # 26-05-10 is tomorrow relative to TODAY, so it must be 1926, not 2026.
    tomorrow = Person(date(1926, 5, 10), 123, coordination=False)
    number = parse_identity_number(f"{tomorrow.date_digits[2:]}-{tomorrow.tail()}", today=TODAY)
    assert number.birth_date == date(1926, 5, 10)
    today = Person(date(2026, 5, 9), 123, coordination=False)
    number = parse_identity_number(f"{today.date_digits[2:]}{today.tail()}", today=TODAY)
    assert number.birth_date == date(2026, 5, 9)


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "811318-9870",  # month 13
        "810230-1234",  # 30 February
        "811292-1234",  # day 92 (32 + 60)
        "000229+1234",  # 1900 was not a leap year
        "20990101-1234",  # in the future
        "17990101-1234",  # before 1800
        "811218-987",  # too short
        "a811218-9876",
    ],
)
def test_parse_refuses_invalid_numbers_without_echoing_them(text: str) -> None:
    with pytest.raises(InvalidIdentityNumberError) as info:
        parse_identity_number(text, today=TODAY)
    assert text.strip() not in str(info.value)
    assert "9876" not in str(info.value)


def test_leap_day_depends_on_the_inferred_century() -> None:
    person = Person(date(2000, 2, 29), 12, coordination=False)
    short = person.date_digits[2:] + person.tail()
    assert contains_identity_number(short, today=TODAY)  # 2000-02-29 exists
    assert not contains_identity_number(f"{short[:6]}+{short[6:]}", today=TODAY)  # 1900 did not


def test_repr_hides_the_digits() -> None:
    number = parse_identity_number("811218-9876", today=TODAY)
    assert "9876" not in repr(number)
    assert "811218" not in repr(number)


@given(people(TODAY), st.data())
def test_every_format_of_a_valid_number_is_found_and_parsed(
    person: Person, data: st.DataObject
) -> None:
    text = data.draw(st.sampled_from(person.renderings(TODAY)))
    number = parse_identity_number(text, today=TODAY)
    assert number.birth_date == person.birth_date
    assert number.coordination == person.coordination
    assert number.twelve_digits == person.date_digits + person.tail()
    assert contains_identity_number(f"see {text}.", today=TODAY)


@given(people(TODAY), st.integers(0, 9), st.data())
def test_wrong_check_digits_are_not_numbers(
    person: Person, check: int, data: st.DataObject
) -> None:
    if check == person.check_digit:
        check = (check + 1) % 10
    text = data.draw(st.sampled_from(person.renderings(TODAY, check=check)))
    assert not contains_identity_number(f"note: {text}", today=TODAY)
    with pytest.raises(InvalidIdentityNumberError):
        parse_identity_number(text, today=TODAY)


def test_numbers_glued_to_other_digits_are_not_numbers() -> None:
    assert contains_identity_number("tel 811218-9876", today=TODAY)
    assert not contains_identity_number("1811218-98761", today=TODAY)


@given(people(TODAY), st.data(), st.text(), st.text())
def test_numbers_in_digits_dashes_and_spaces_of_any_script_are_found_in_any_text(
    person: Person, data: st.DataObject, before: str, after: str
) -> None:
    rendering = data.draw(st.sampled_from(person.renderings(TODAY)))
    disguised = data.draw(in_any_script(rendering))
    assert contains_identity_number(f"{before} {disguised} {after}", today=TODAY)


def test_today_is_the_date_in_stockholm_and_moves_on_at_its_midnight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sweden = ZoneInfo("Europe/Stockholm")
    before = datetime.now(sweden).date()
    assert before <= today_in_sweden() <= datetime.now(sweden).date()
    short_day = datetime(2026, 3, 29, tzinfo=sweden)  # 23 hours: clocks go forward
    next_day = datetime(2026, 3, 30, tzinfo=sweden)
    second = timedelta(seconds=1)
    for now, day in [
        (short_day - second, date(2026, 3, 28)),
        (short_day, date(2026, 3, 29)),
        (next_day - second, date(2026, 3, 29)),
        (next_day, date(2026, 3, 30)),
        (short_day, date(2026, 3, 29)),  # and back, should the clock be set back
    ]:
        monkeypatch.setattr(time, "time", now.timestamp)
        assert today_in_sweden() == day
    monkeypatch.undo()
    assert today_in_sweden() >= before
