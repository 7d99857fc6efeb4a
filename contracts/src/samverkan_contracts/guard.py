"""The identity-number guard: no personnummer or samordningsnummer crosses the platform.

``find_identity_numbers`` scans any JSON-like value (raw bodies before model
validation included) and returns the JSONPath of every string, number or
object key that holds a valid number, in any format. Every event model runs the
same scan before its fields are validated (``ensure_no_identity_numbers``), so
a refused event's error names the path and never echoes the number.

Exact UUID strings and exact W3C trace contexts (``traceparent``) are skipped: about one
random UUID in 20,000 and one random trace context in 3,000 would otherwise look like a
``YYYYMMDD-NNNC`` number (refusing a valid event, and its every retry, at random), and ids
and trace contexts are random hex made by machines.

Almost every value holds no number, so the scan first gathers every text it would look at
(strings but exact ids, object keys, numbers) into one string, separated by NUL, and
looks there for six digits, maybe a separator and four digits in a row, which every
number has; only the texts that have such a run are searched for a number, and only when
one holds a number does the path-keeping walk below run. NUL is neither a digit nor a
separator, so no match can span two texts. The pre-scan skips fewer ids than the walk
(of their exact lengths only), so it can only say "maybe" more often, never miss a number
the walk would find.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel

from samverkan_contracts.errors import IdentityNumberFoundError, PathPart, json_path
from samverkan_contracts.idnumbers import (
    MARKS,
    contains_identity_number,
    today_in_sweden,
    where_number_may_start,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import date

#: Lengths of a UUID and of a W3C ``traceparent``.
_ID_LENGTHS = frozenset({36, 55})
_ID = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})$"
)
#: Suffix of a path that points at the property names of an object (JSONPath-Plus ``~``).
KEY_MARKER = ".*~"


def _texts(value: object) -> list[str]:
    """Every text the walk below looks at: strings (bar exact ids), keys, numbers."""
    texts: list[str] = []
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if type(item) is str:  # the common cases first, by exact type
            if len(item) not in _ID_LENGTHS or not _ID.match(item):
                texts.append(item)
        elif type(item) is dict:
            _add_mapping(texts, stack, item)
        elif type(item) is list or type(item) is tuple:
            stack.extend(item)
        else:
            _add_other(texts, stack, item)
    return texts


def _add_mapping(texts: list[str], stack: list[object], item: Mapping[object, object]) -> None:
    try:
        texts.append("\0".join(item))  # type: ignore[arg-type]  # every key, when all are str
    except TypeError:
        texts.extend(k for k in item if isinstance(k, str))
    for child in item.values():  # strings here, the rest through the stack
        if type(child) is str:
            if len(child) not in _ID_LENGTHS or not _ID.match(child):
                texts.append(child)
        else:
            stack.append(child)


def _add_other(texts: list[str], stack: list[object], item: object) -> None:
    """The cases of the walk below, in its order, for anything not a plain str/dict/list."""
    if isinstance(item, BaseModel):
        stack.append(item.model_dump(mode="json"))
    elif isinstance(item, str):
        texts.append(item)
    elif isinstance(item, int | float) and not isinstance(item, bool):
        texts.append(repr(item))
    elif isinstance(item, Mapping):
        _add_mapping(texts, stack, item)
    elif isinstance(item, list | tuple):
        stack.extend(item)


def _texts_that_may_hold_numbers(joined: str) -> Iterator[str]:
    """The NUL-separated texts of ``joined`` that ``may_hold_number`` says may hold one.

    Found by one search over the marks of the UTF-8 bytes, without normalising any text: a
    text of ASCII letters passes, and one with Swedish letters too. NUL is one byte in
    UTF-8, part of no other character, and marked as neither digit nor separator, so the
    texts stay apart.
    """
    data = joined.encode("utf-8", "surrogatepass")
    marks = data.translate(MARKS)
    start = where_number_may_start(marks)
    while start != -1:
        end = data.find(b"\0", start)
        end = len(data) if end == -1 else end
        yield data[data.rfind(b"\0", 0, start) + 1 : end].decode("utf-8", "surrogatepass")
        start = where_number_may_start(marks, end)


def _holds_number(text: str, today: date) -> bool:
    return contains_identity_number(text, today=today) and not _ID.match(text)


def find_identity_numbers(
    value: object, *, today: date | None = None, prefix: Sequence[PathPart] = ()
) -> list[str]:
    """JSONPaths of every place in ``value`` that holds a valid identity number."""
    candidates = list(_texts_that_may_hold_numbers("\0".join(_texts(value))))  # see the docstring
    if not candidates:
        return []  # the usual case
    reference = today or today_in_sweden()
    if not any(contains_identity_number(text, today=reference) for text in candidates):
        return []
    return _walk(value, reference, prefix)


def _walk(value: object, reference: date, prefix: Sequence[PathPart]) -> list[str]:
    """The scan itself, keeping the path of every value."""
    found: list[str] = []
    stack: list[tuple[tuple[PathPart, ...], object]] = [(tuple(prefix), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, BaseModel):
            stack.append((path, item.model_dump(mode="json")))
        elif isinstance(item, str):
            if _holds_number(item, reference):
                found.append(json_path(path))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            if _holds_number(repr(item), reference):
                found.append(json_path(path))
        elif isinstance(item, Mapping):
            if any(isinstance(k, str) and _holds_number(k, reference) for k in item):
                found.append(json_path(path) + KEY_MARKER)
            children = [((*path, str(k)), v) for k, v in item.items()]
            stack.extend(reversed(children))
        elif isinstance(item, list | tuple):
            stack.extend(reversed([((*path, i), v) for i, v in enumerate(item)]))
    return found


def ensure_no_identity_numbers(
    value: object, *, today: date | None = None, prefix: Sequence[PathPart] = ()
) -> None:
    """Raise IdentityNumberFoundError (naming paths only) if ``value`` holds a number."""
    paths = find_identity_numbers(value, today=today, prefix=prefix)
    if paths:
        raise IdentityNumberFoundError(paths)
