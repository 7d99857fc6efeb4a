"""Every folder of tests is collected: pytest's testpaths (which orders them) names them all."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_every_test_folder_is_in_testpaths() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {
        f"tests/{p.parent.relative_to(ROOT / 'tests').parts[0]}"
        for p in (ROOT / "tests").rglob("test_*.py")
    }
    assert folders <= testpaths
