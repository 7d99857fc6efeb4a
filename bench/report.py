"""The results of one run: each platform figure next to its baseline, as a markdown table
and as JSON (``var/bench/<timestamp>.json`` and ``var/bench/latest.json``)."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MiB = 1024 * 1024


@dataclass
class Figure:
    """One measured figure. ``values`` holds the numbers (e.g. p50, p99 for a latency)."""

    key: str
    what: str
    unit: str
    values: dict[str, float]
    baseline: str | None = None
    target: str | None = None
    met: bool | None = None
    notes: str = ""

    def text(self) -> str:
        return " / ".join(_number(v) for v in self.values.values()) + f" {self.unit}"


def _number(value: float) -> str:
    if value >= 100:  # noqa: PLR2004 - formatting thresholds
        return f"{value:,.0f}"
    if value >= 10:  # noqa: PLR2004
        return f"{value:.1f}"
    return f"{value:.2f}"


@dataclass
class Results:
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    mode: str = "full"
    sizes: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures[figure.key] = figure
        return figure

    def ratio(self, key: str) -> str:
        """The figure over its baseline, per value they share (throughput: higher is better;
        latency: how many times the baseline's)."""
        figure = self.figures[key]
        base = self.figures.get(figure.baseline or "")
        if base is None:
            return ""
        shared = [k for k in figure.values if k in base.values and base.values[k] > 0]
        return " / ".join(f"{figure.values[k] / base.values[k]:.2f}x" for k in shared)

    def ratios(self) -> dict[str, dict[str, float]]:
        out = {}
        for key, figure in self.figures.items():
            base = self.figures.get(figure.baseline or "")
            if base is not None:
                out[key] = {
                    k: figure.values[k] / base.values[k]
                    for k in figure.values
                    if k in base.values and base.values[k] > 0
                }
        return out

    def table(self) -> str:
        head = (
            "| | Figure | Measured | Baseline | Ratio | Target | Met |\n"
            "|---|---|---|---|---|---|---|\n"
        )
        rows = []
        for key, f in self.figures.items():
            base = self.figures.get(f.baseline or "")
            base_text = f"{f.baseline}: {base.text()}" if base else ""
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            rows.append(
                f"| {key} | {f.what} | {f.text()} | {base_text} | {self.ratio(key)} "
                f"| {f.target or ''} | {met} |"
            )
        return head + "\n".join(rows) + "\n"

    def markdown(self) -> str:
        machine = f"{_cores()} cores, Python {platform.python_version()}"
        lines = [
            f"Samverkan benchmark, {self.mode} run, {self.started:%Y-%m-%d %H:%M} UTC ({machine})",
            "",
            self.table(),
        ]
        lines += [f"- warning: {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        document = {
            "started": self.started.isoformat(),
            "mode": self.mode,
            "machine": {
                "node": platform.node(),
                "cores": _cores(),
                "python": platform.python_version(),
            },
            "sizes": self.sizes,
            "figures": {k: asdict(f) for k, f in self.figures.items()},
            "ratios": self.ratios(),
            "details": self.details,
            "warnings": self.warnings,
            "table": self.table(),
        }
        text = json.dumps(document, indent=2, default=str)
        path = folder / f"{self.started:%Y%m%dT%H%M%SZ}.json"
        path.write_text(text)
        (folder / "latest.json").write_text(text)
        return path


def _cores() -> int:
    import os  # noqa: PLC0415 - only here

    return len(os.sched_getaffinity(0))
