"""Hypothesis strategies: Swedish identity numbers in every format, and every event type.

The check digit here is computed independently of the production code (the classic
"double every second digit from the right" formulation), so a wrong Luhn in
``samverkan_contracts.idnumbers`` cannot hide behind the same mistake in the tests.
"""

from __future__ import annotations

import enum
import sys
import types
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_origin

from hypothesis import reject
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel, ValidationError
from pydantic.fields import FieldInfo

from samverkan_contracts.base import OneOf
from samverkan_contracts.envelope import CloudEvent, InvalidEventError, new_event
from samverkan_contracts.idnumbers import today_in_sweden
from samverkan_contracts.organisations import load_organisations
from samverkan_contracts.subjects import SUBJECT_REF_PATTERN

if TYPE_CHECKING:
    from samverkan_contracts.base import EventData
    from samverkan_contracts.registry import EventSpec

M = TypeVar("M", bound=BaseModel)

ORGANISATION_CODES = sorted(load_organisations().codes)
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_HEX = "0123456789abcdef"
_TIMEZONES = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=2)), timezone.min]


def luhn(payload: str) -> int:
    """Check digit for ``payload``: double every second digit from the right."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def is_centenarian(birth: date, today: date) -> bool:
    """True when the person has turned 100 (a 29 February birthday counts from 1 March)."""
    try:
        hundredth = birth.replace(year=birth.year + 100)
    except ValueError:
        hundredth = date(birth.year + 100, 3, 1)
    return hundredth <= today


@dataclass(frozen=True)
class Person:
    """A person's number, from which every written form is made."""

    birth_date: date
    birth_number: int
    coordination: bool

    @property
    def date_digits(self) -> str:
        day = self.birth_date.day + (60 if self.coordination else 0)
        return f"{self.birth_date:%Y%m}{day:02d}"

    @property
    def check_digit(self) -> int:
        return luhn(self.date_digits[2:] + f"{self.birth_number:03d}")

    def tail(self, check: int | None = None) -> str:
        return f"{self.birth_number:03d}{self.check_digit if check is None else check}"

    def renderings(self, today: date, check: int | None = None) -> list[str]:
        """The number in every format: 12 digits with any separator, 10 digits with the
        separator the person's age allows ('+' from 100 years)."""
        full, tail = self.date_digits, self.tail(check)
        forms = [f"{full}{sep}{tail}" for sep in ("", "-", "+", " ")]
        seps = ("+",) if is_centenarian(self.birth_date, today) else ("", "-", " ")
        return forms + [f"{full[2:]}{sep}{tail}" for sep in seps]

    def digit_forms(self) -> set[str]:
        """The bare digits, 12 and 10 long: what no error message may contain."""
        return {self.date_digits + self.tail(), self.date_digits[2:] + self.tail()}


def people(today: date | None = None) -> st.SearchStrategy[Person]:
    """Valid personnummer and samordningsnummer holders born 1900 up to today."""
    return st.builds(
        Person,
        birth_date=st.dates(date(1900, 1, 1), today or today_in_sweden()),
        birth_number=st.integers(0, 999),
        coordination=st.booleans(),
    )


#: Characters the guard reads as "-", " " and "+" (dashes, white space, a full-width plus).
_LOOK_ALIKES = {
    "-": "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63",
    " ": " \t\n\x1f\u00a0\u2003\u3000",
    "+": "+\uff0b",
}
_ZEROS = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.decimal(chr(c), None) == 0]


def in_any_script(rendering: str) -> st.SearchStrategy[str]:
    """``rendering`` with each digit in a script of its own and the separator a look-alike."""

    def one(char: str) -> st.SearchStrategy[str]:
        if char.isdigit():
            return st.sampled_from(_ZEROS).map(lambda zero: chr(ord(zero) + int(char)))
        return st.sampled_from(_LOOK_ALIKES[char])

    return st.tuples(*(one(char) for char in rendering)).map("".join)


def subject_refs() -> st.SearchStrategy[str]:
    return st.text(_BASE32, min_size=52, max_size=52).map("subj_".__add__)


def traceparents() -> st.SearchStrategy[str]:
    ids = [
        st.text(_HEX, min_size=n, max_size=n).filter(lambda s: set(s) != {"0"}) for n in (32, 16)
    ]
    return st.tuples(*ids, st.sampled_from(["00", "01"])).map(lambda t: f"00-{t[0]}-{t[1]}-{t[2]}")


def aware_datetimes() -> st.SearchStrategy[datetime]:
    return st.datetimes(
        datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; zones come from timezones=
        datetime(2099, 12, 31),  # noqa: DTZ001
        timezones=st.sampled_from(_TIMEZONES),
    )


def _flatten(metadata: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in metadata:
        flat.append(item)
        if isinstance(item, FieldInfo):
            flat.extend(_flatten(item.metadata))
    return flat


def _constraint(metadata: list[Any], name: str) -> Any:
    return next((getattr(m, name) for m in metadata if getattr(m, name, None) is not None), None)


def _strings(metadata: list[Any]) -> st.SearchStrategy[str]:
    pattern = _constraint(metadata, "pattern")
    sets = [set(m.codes) for m in metadata if isinstance(m, OneOf)]
    if sets:  # organisation codes, of any kind or of one
        return st.sampled_from(sorted(set.intersection(*sets)))
    if pattern == SUBJECT_REF_PATTERN:
        return subject_refs()
    if pattern is not None and pattern.startswith("^00-"):
        return traceparents()
    if pattern is not None:
        raise TypeError(f"no strategy for strings matching {pattern}")
    low = _constraint(metadata, "min_length") or 0
    high = min(_constraint(metadata, "max_length") or 60, 60)
    return st.text(st.characters(codec="utf-8"), min_size=low, max_size=high)


def values(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:  # noqa: PLR0911 - one branch per kind of type
    """A strategy for one field's annotation and constraints."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return values(base, _flatten([*metadata, *extra]))
    if origin in {Union, types.UnionType}:
        options: list[st.SearchStrategy[Any]] = [
            st.none() if arg is type(None) else values(arg, metadata)
            for arg in get_args(annotation)
        ]
        return st.one_of(options)
    if origin is tuple:
        low = _constraint(metadata, "min_length") or 0
        return st.lists(values(get_args(annotation)[0], []), min_size=low, max_size=low + 3).map(
            tuple
        )
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return instances(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(annotation)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        bool: st.booleans(),
        uuid.UUID: st.uuids(),
        date: st.dates(date(2000, 1, 1), date(2099, 12, 31)),
        AwareDatetime: aware_datetimes(),
    }
    if annotation in simple:
        return simple[annotation]
    if annotation is int:
        low, high = _constraint(metadata, "ge") or 0, _constraint(metadata, "le") or 10**6
        return st.integers(low, high)
    if annotation is str:
        return _strings(metadata)
    raise TypeError(f"no strategy for {annotation!r}")


@st.composite
def instances(draw: st.DrawFn, model: type[M]) -> M:
    """A valid instance of ``model`` (drafts that break a model rule are rejected)."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        target = required if field.is_required() else optional
        target[name] = values(field.annotation, _flatten(list(field.metadata)))
    fields = draw(st.fixed_dictionaries(required, optional=optional))
    try:
        return model.model_validate(fields)
    except (ValidationError, InvalidEventError):
        reject()


@st.composite
def events(draw: st.DrawFn, spec: EventSpec[Any]) -> CloudEvent[EventData]:
    """A valid event of the given type, with every optional attribute sometimes set."""
    data = draw(instances(spec.model))
    organisations = st.sampled_from(ORGANISATION_CODES)
    source = st.text(
        st.characters(codec="ascii", min_codepoint=33, max_codepoint=126), min_size=1, max_size=40
    )
    try:
        return new_event(
            data,
            source=draw(source),
            district=draw(organisations),
            actororg=draw(organisations),
            event_id=draw(st.uuids()),
            time=draw(aware_datetimes()),
            correlationid=draw(st.uuids()),
            causationid=draw(st.none() | st.uuids()),
            traceparent=draw(st.none() | traceparents()),
            tracestate=draw(
                st.none()
                | st.text(
                    st.characters(codec="ascii", min_codepoint=33, max_codepoint=126), max_size=30
                )
            ),
        )
    except InvalidEventError:
        reject()
