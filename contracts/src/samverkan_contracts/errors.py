"""Errors raised when an event is refused; messages name paths and never echo values."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pydantic import ValidationError

IDENTITY_NUMBER_MESSAGE = (
    "a Swedish personal identity number or coordination number is not allowed anywhere "
    "in an event, free text included; refer to people by a pseudonymous subject reference"
)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: One step of a path: an object key or an array index.
PathPart = str | int


class ErrorDetail(TypedDict):
    """One reason an event was refused."""

    path: str
    type: str
    message: str


def json_path(parts: Iterable[PathPart], root: str = "$") -> str:
    """A JSONPath such as ``$.data.measures[0].owner`` for the given keys and indexes."""
    path = root
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            path += f".{part}"
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path


class InvalidEventError(Exception):
    """An event was refused. ``errors`` lists each reason with its JSON path."""

    def __init__(self, errors: Sequence[ErrorDetail]) -> None:
        self.errors: tuple[ErrorDetail, ...] = tuple(errors)
        super().__init__(
            "invalid event: " + "; ".join(f"{e['path']}: {e['message']}" for e in self.errors)
        )

    @classmethod
    def single(cls, path: str, error_type: str, message: str) -> InvalidEventError:
        """An error with one reason."""
        return cls([ErrorDetail(path=path, type=error_type, message=message)])

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, prefix: Sequence[PathPart] = ()
    ) -> InvalidEventError:
        """Convert a pydantic error, dropping the input values it carries."""
        details = [
            ErrorDetail(path=json_path([*prefix, *e["loc"]]), type=e["type"], message=e["msg"])
            for e in error.errors(include_url=False, include_input=False, include_context=False)
        ]
        return cls(details)


class IdentityNumberFoundError(InvalidEventError):
    """A valid personnummer or samordningsnummer was found; ``paths`` says where."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths: tuple[str, ...] = tuple(paths)
        super().__init__(
            [
                ErrorDetail(path=p, type="identity_number", message=IDENTITY_NUMBER_MESSAGE)
                for p in paths
            ]
        )
