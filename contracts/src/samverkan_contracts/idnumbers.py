"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

A number is a date (``YYMMDD`` or ``YYYYMMDD``), a three-digit birth number and
a check digit: the Luhn (mod 10) digit over ``YYMMDDNNN`` with weights 2, 1, 2, 1, ...
A coordination number adds 60 to the day. Between date and birth number there
may be ``-``, ``+``, a space or nothing (any dash counts as ``-``, any white
space as a space, and decimal digits of any script as digits). In the 10-digit
form the century is inferred: the most recent year that is not in the future, or
a century earlier when the separator is ``+`` (the person is 100 or older). A
12-digit form must name a date from 1800 up to today.

Nothing here ever puts the digits of a number in an exception message or a repr.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Iterator

_SWEDEN = ZoneInfo("Europe/Stockholm")
_SEP = "[-+ ]"  # after normalisation (see _normalise_text)
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")
_ASCII_SPACES = bytes(code for code in range(128) if chr(code).isspace())
_ASCII_SPACE = bytes.maketrans(_ASCII_SPACES, b" " * len(_ASCII_SPACES))
#: A number starting here, 12 or 10 digits (at one place only one of the two can match).
_FORM = re.compile(rf"(?<![0-9])(?=([0-9]{{8}}|[0-9]{{6}})({_SEP}?)([0-9]{{4}})(?![0-9]))")
#: A UTF-8 byte as ``may_hold_number`` reads it: an ASCII digit, or any byte of a non-ASCII
#: character (a digit, dash or space of another script among them), is "0"; an ASCII
#: separator (``-``, ``+`` or white space) "-"; anything else a space.
MARKS = bytes(
    0x30 if chr(b).isdigit() or b >= 0x80 else 0x2D if b in b"-+" + _ASCII_SPACES else 0x20  # noqa: PLR2004
    for b in range(256)
)
#: What the marks of any number hold: six digits, then four, with one separator or none.
_NUMBER_MARKS = re.compile(rb"000000-?0000")
_FULL = re.compile(rf"([0-9]{{8}}|[0-9]{{6}})({_SEP}?)([0-9]{{4}})")
_COORDINATION_OFFSET = 60
_EARLIEST_YEAR = 1800


class InvalidIdentityNumberError(ValueError):
    """The text is not a valid personnummer or samordningsnummer (the text is never echoed)."""

    def __init__(self) -> None:
        super().__init__(
            "not a valid Swedish personal identity number or coordination number "
            "(expected YYMMDD-NNNC or YYYYMMDDNNNC with a real date and a correct check digit)"
        )


@dataclass(frozen=True, slots=True, repr=False)
class IdentityNumber:
    """A checked number. ``repr`` hides the digits so it is safe in logs."""

    birth_date: date
    birth_number: str
    check_digit: str
    coordination: bool

    def __repr__(self) -> str:
        kind = "samordningsnummer" if self.coordination else "personnummer"
        return f"IdentityNumber(<redacted {kind}>)"

    @property
    def twelve_digits(self) -> str:
        """The normalised form ``YYYYMMDDNNNC`` (the day plus 60 for a samordningsnummer)."""
        day = self.birth_date.day + (_COORDINATION_OFFSET if self.coordination else 0)
        return f"{self.birth_date:%Y%m}{day:02d}{self.birth_number}{self.check_digit}"


@dataclass(frozen=True, slots=True)
class _Today:
    day: date
    since: float  # its midnight in Stockholm, in seconds since the epoch
    until: float  # the next one


_today = _Today(date.min, float("inf"), float("-inf"))


def today_in_sweden() -> date:
    """Today's date in Stockholm, the reference for century inference.

    Kept from midnight to midnight there: asking the time zone every time cost more than
    the rest of the guard's usual scan.
    """
    global _today  # noqa: PLW0603 - one immutable value, replaced whole
    now = time.time()
    if not _today.since <= now < _today.until:
        day = datetime.fromtimestamp(now, tz=_SWEDEN).date()
        since, until = (
            datetime.combine(d, datetime.min.time(), _SWEDEN).timestamp()
            for d in (day, day + timedelta(days=1))
        )
        _today = _Today(day, since, until)
    return _today.day


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit over ``digits`` (for an identity number: ``YYMMDDNNN``)."""
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _infer_year(yy: int, month: int, day: int, separator: str, today: date) -> int:
    year = today.year - (today.year - yy) % 100
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100
    return year - 100 if separator == "+" else year


def interpret(date_digits: str, separator: str, tail: str, today: date) -> IdentityNumber | None:
    """Check one candidate (6 or 8 date digits, separator, 4 digits); None if it is not valid."""
    short = date_digits[-6:]
    month, raw_day = int(short[2:4]), int(short[4:6])
    coordination = raw_day > _COORDINATION_OFFSET
    day = raw_day - _COORDINATION_OFFSET if coordination else raw_day
    if not (1 <= month <= 12 and 1 <= day <= 31):  # noqa: PLR2004 - calendar bounds
        return None  # before the check digit, which costs more to compute
    if luhn_check_digit(short + tail[:3]) != int(tail[3]):
        return None
    if len(date_digits) == 8:  # noqa: PLR2004 - the 12-digit form names its century
        year = int(date_digits[:4])
    else:
        year = _infer_year(int(short[:2]), month, day, separator, today)
    try:
        birth = date(year, month, day)
    except ValueError:
        return None
    if year < _EARLIEST_YEAR or birth > today:
        return None
    return IdentityNumber(birth, tail[:3], tail[3], coordination)


def _groups(match: re.Match[str]) -> tuple[str, str, str]:
    date_digits, separator, tail = match.groups()
    return date_digits, separator, tail


def _normal_char(char: str) -> str:
    decimal = unicodedata.decimal(char, None)
    if decimal is not None:
        return str(decimal)
    if char.isspace():
        return " "
    if char in _DASHES or unicodedata.category(char) == "Pd":
        return "-"
    return "+" if unicodedata.normalize("NFKC", char) == "+" else char


def _normalise_text(text: str) -> str:
    """Same length as ``text``: any decimal digit (full-width, Arabic-Indic, ...) becomes its
    ASCII digit, any dash "-", any white space " ". Superscripts and fractions stay apart."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_SPACE).decode("ascii")
    return "".join(_normal_char(char) for char in text)


def may_hold_number(marks: bytes) -> bool:
    """False when text whose UTF-8 bytes, translated with ``MARKS``, are ``marks`` can hold
    no number: every number is six digits, maybe a separator and four digits in a row,
    and those characters' bytes all read "0" but for one ASCII separator's "-"."""
    return _NUMBER_MARKS.search(marks) is not None


def where_number_may_start(marks: bytes, start: int = 0) -> int:
    """The first place from ``start`` where ``marks`` (see ``may_hold_number``) may show a
    number, or -1."""
    found = _NUMBER_MARKS.search(marks, start)
    return -1 if found is None else found.start()


def marks_of(text: str) -> bytes:
    """``text``'s UTF-8 bytes translated with ``MARKS`` (lone surrogates included)."""
    return text.encode("utf-8", "surrogatepass").translate(MARKS)


def parse_identity_number(text: str, *, today: date | None = None) -> IdentityNumber:
    """Check a whole string as one number in any accepted format; raise if it is not valid."""
    match = _FULL.fullmatch(_normalise_text(text).strip())
    found = interpret(*_groups(match), today or today_in_sweden()) if match else None
    if found is None:
        raise InvalidIdentityNumberError
    return found


def iter_identity_numbers(text: str, *, today: date | None = None) -> Iterator[IdentityNumber]:
    """Every valid number written anywhere in ``text`` (bounded by non-digits), in any format,
    in the order they start in."""
    if not may_hold_number(marks_of(text)):
        return  # the usual case, found in C without normalising the text
    normal = _normalise_text(text)
    reference = today or today_in_sweden()
    for match in _FORM.finditer(normal):
        found = interpret(*_groups(match), reference)
        if found is not None:
            yield found


def contains_identity_number(text: str, *, today: date | None = None) -> bool:
    """True when ``text`` holds a valid personnummer or samordningsnummer anywhere."""
    return next(iter_identity_numbers(text, today=today), None) is not None
