"""Every label of the dashboard comes from one catalogue, ``messages.yaml``: Swedish first,
English as a switch. A key missing in either language fails the unit tests, not a page."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import yaml

LANGUAGES: Final = ("sv", "en")
DEFAULT: Final = "sv"
STOCKHOLM: Final = ZoneInfo("Europe/Stockholm")
CATALOGUE = Path(__file__).with_name("messages.yaml")
NOTHING = "\u2013"  # an en dash stands for a missing value


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Key -> language -> text, as written in ``messages.yaml``."""
    document = yaml.safe_load(CATALOGUE.read_text("utf-8"))
    if not isinstance(document, dict):
        raise TypeError("messages.yaml is a mapping of keys to {sv: ..., en: ...}")
    return document


def language_of(value: str | None, default: str = DEFAULT) -> str:
    """A supported language code: the one asked for, or the default."""
    return value if value in LANGUAGES else default


class Translator:
    """Labels, numbers and times in one language."""

    def __init__(self, language: str) -> None:
        self.language = language_of(language)
        self._texts = catalogue()

    def __call__(self, key: str, **values: object) -> str:
        entry = self._texts.get(key)
        if entry is None:
            raise KeyError(f"no label {key!r} in messages.yaml")
        text = entry[self.language]
        return text.format(**values) if values else text

    def maybe(self, prefix: str, value: object, fallback: str | None = None) -> str:
        """The label of a code from the data (``plan.adopted``), or the code itself when the
        catalogue has none yet (a newer value than this dashboard knows)."""
        if value is None:
            return self("common.none")
        key = f"{prefix}.{value}"
        if key in self._texts:
            return self(key)
        return fallback if fallback is not None else str(value)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return NOTHING
        text = f"{value:,.{digits}f}"
        if self.language == "sv":
            return text.replace(",", "\u00a0").replace(".", ",")
        return text

    def when(self, value: str | datetime | date | None) -> str:
        """A time in Stockholm (the city's clock), or a day; ISO-like in both languages."""
        if value is None or value == "":
            return NOTHING
        if isinstance(value, str):
            parsed: datetime | date = (
                date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)  # noqa: PLR2004 - YYYY-MM-DD
            )
        else:
            parsed = value
        if isinstance(parsed, datetime):
            return parsed.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        return parsed.isoformat()
