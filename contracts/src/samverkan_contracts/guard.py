"""The identity-number guard: no personnummer or samordningsnummer crosses the platform.

``find_identity_numbers`` scans any JSON-like value (raw bodies before model
validation included) and returns the JSONPath of every string, number or
object key that holds a valid number, in any format. Every event model runs the
same scan before its fields are validated (``ensure_no_identity_numbers``), so
a refused event's error names the path and never echoes the number.

Exact UUID strings are skipped: about one random UUID in 20,000 would otherwise
look like a ``YYYYMMDD-NNNC`` number, and ids are UUIDs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel

from samverkan_contracts.errors import IdentityNumberFoundError, PathPart, json_path
from samverkan_contracts.idnumbers import contains_identity_number, today_in_sweden

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DIGIT_RUN = re.compile(r"[0-9]{6}")
#: Suffix of a path that points at the property names of an object (JSONPath-Plus ``~``).
KEY_MARKER = ".*~"


def _holds_number(text: str, today: date) -> bool:
    if text.isascii() and _DIGIT_RUN.search(text) is None:
        return False  # fast path: every number has at least six digits in a row
    return contains_identity_number(text, today=today) and not _UUID.match(text)


def find_identity_numbers(
    value: object, *, today: date | None = None, prefix: Sequence[PathPart] = ()
) -> list[str]:
    """JSONPaths of every place in ``value`` that holds a valid identity number."""
    reference = today or today_in_sweden()
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
