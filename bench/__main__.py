"""``python -m bench [--quick] [--only P1a,P3] [--set name=value ...]``: run the benchmarks,
print the table, write the JSON (var/bench/<time>.json and latest.json)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bench.config import Sizes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (make bench-quick)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a size, e.g. --set p1a_events=200000 (see bench/config.py Sizes)",
    )
    parser.add_argument("--out", type=Path, help="folder for the JSON (default var/bench)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated figures to measure, e.g. P1a,P3 (B2 comes with P1a, B0-lat with P2)",
    )
    return parser


def _overrides(pairs: list[str], sizes: Sizes) -> Sizes:
    values: dict[str, object] = {}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        current = getattr(sizes, name, None)
        if current is None:
            raise SystemExit(f"unknown size {name!r}")
        if isinstance(current, tuple):
            values[name] = tuple(int(v) for v in raw.split(","))
        else:
            values[name] = type(current)(raw)
    return sizes.with_overrides(values)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    from bench.run import run  # noqa: PLC0415 - argument errors come before the imports

    sizes = _overrides(args.set, Sizes.quick() if args.quick else Sizes.full())
    only = frozenset(k.strip() for k in args.only.split(",") if k.strip())
    results = run(sizes, "quick" if args.quick else "full", args.out, only)
    path = results.write(args.out or Path("var/bench"))
    sys.stdout.write(results.markdown())
    sys.stdout.write(f"\nJSON: {path} (and latest.json beside it)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
