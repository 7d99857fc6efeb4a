"""``python -m coordination serve|replay|verify-audit|erase``."""

from __future__ import annotations

import argparse
import logging
import sys

from coordination.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m coordination", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the query API and run the projections")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    if args.command == "serve":
        import uvicorn  # noqa: PLC0415 - only the server needs it

        from coordination.app import create_app  # noqa: PLC0415

        uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
