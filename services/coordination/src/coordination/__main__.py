"""``python -m coordination serve|replay|verify-audit|erase``."""

from __future__ import annotations

import argparse
import asyncio
import sys

from coordination.settings import Settings
from samverkan_common.logging import configure_logging
from samverkan_common.serve import serve
from samverkan_contracts.events.privacy import ErasureReason


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m coordination", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the query API and run the projections")
    replay = commands.add_parser(
        "replay", help="rebuild the view from the topics into a fresh schema, then switch"
    )
    replay.add_argument(
        "--allow-difference",
        action="store_true",
        help="switch even if the rebuilt view's checksum differs (after a projection change)",
    )
    commands.add_parser("verify-audit", help="verify the audit log's hash chain")
    erase = commands.add_parser("erase", help="request the erasure of a subject everywhere")
    erase.add_argument("subject_ref")
    erase.add_argument(
        "--reason", choices=[r.value for r in ErasureReason], default="subject_request"
    )
    erase.add_argument("--requested-by", default="socialtjanst", help="organisation code")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        from coordination.app import create_app  # noqa: PLC0415 - only the server needs it

        serve("coordination", lambda: create_app(settings), settings.http_host, settings.http_port)
        return 0
    configure_logging("coordination")
    if args.command == "replay":
        from coordination.replay import replay  # noqa: PLC0415

        report = asyncio.run(replay(settings, allow_difference=args.allow_difference))
        return 0 if report.switched else 1
    from coordination import commands  # noqa: PLC0415

    if args.command == "verify-audit":
        return asyncio.run(commands.verify_audit(settings))
    asyncio.run(
        commands.erase(settings, args.subject_ref, ErasureReason(args.reason), args.requested_by)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
