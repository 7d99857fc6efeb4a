"""The demo loader's command line: which month, where the platform listens, and the report."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx

from deploy.demo.keycloak import MachineTokens, token_url
from deploy.demo.post import Ledger, Poster, Report
from deploy.demo.scenario import month
from deploy.demo.scenario.kit import DAYS, SERVICES, STOCKHOLM, Planned

ROOT = Path(__file__).resolve().parents[2]
#: Default ports, as deploy/local/services.sh; each overridable by <SERVICE>_HTTP_PORT.
PORTS = {"prevention": 8101, "outreach": 8102, "treatment": 8103, "trafficking": 8104}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python deploy/demo/load.py",
        description="Post a realistic month of the programme's work to the running platform "
        "through its ingestion API with real tokens. Running it again changes nothing.",
    )
    parser.add_argument("--base-url-host", default="127.0.0.1", help="Host of the services.")
    parser.add_argument(
        "--keycloak",
        default=None,
        help="Keycloak server URL (default http://<host>:$KEYCLOAK_PORT, port 18080).",
    )
    parser.add_argument(
        "--epoch",
        type=date.fromisoformat,
        default=None,
        help="The day after the demo month (YYYY-MM-DD); default: stored in the state "
        "directory on the first run (that day), then reused.",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=ROOT / "var" / "state" / "demo",
        help="Where the epoch and the acknowledged event ids are kept.",
    )
    parser.add_argument(
        "--service",
        action="append",
        choices=SERVICES,
        help="Load only this service's events (repeatable; default: every domain service).",
    )
    parser.add_argument("--batch-size", type=int, default=100, help="Events per request.")
    return parser.parse_args(argv)


def stored_epoch(path: Path) -> date:
    """The epoch kept in ``path``; on the first run, today (in Stockholm), then kept."""
    if path.exists():
        return date.fromisoformat(path.read_text("utf-8").strip())
    today = datetime.now(STOCKHOLM).date()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{today.isoformat()}\n", "utf-8")
    return today


def service_url(host: str, service: str) -> str:
    port = os.environ.get(f"{service.upper()}_HTTP_PORT", str(PORTS[service]))
    return f"http://{host}:{port}"


async def _not_ready(clients: dict[str, httpx.AsyncClient]) -> list[str]:
    down = []
    for name, client in clients.items():
        try:
            ready = (await client.get("/health/ready")).status_code == httpx.codes.OK
        except httpx.TransportError:
            ready = False
        if not ready:
            down.append(f"{name} ({client.base_url})")
    return down


async def load(args: argparse.Namespace, planned: Sequence[Planned]) -> Report | None:
    keycloak = args.keycloak or (
        f"http://{args.base_url_host}:{os.environ.get('KEYCLOAK_PORT', '18080')}"
    )
    services = sorted({p.service for p in planned}, key=SERVICES.index)
    clients = {
        s: httpx.AsyncClient(base_url=service_url(args.base_url_host, s), timeout=60)
        for s in services
    }
    try:
        down = await _not_ready(clients)
        if down:
            print(f"not ready: {', '.join(down)}; start the platform with `make up`")
            return None
        async with httpx.AsyncClient(timeout=30) as http:
            poster = Poster(
                clients,
                MachineTokens(http, token_url(keycloak)),
                Ledger.open(args.state / "accepted"),
                batch_size=args.batch_size,
            )
            return await poster.post_all(planned)
    finally:
        for client in clients.values():
            await client.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    epoch = args.epoch or stored_epoch(args.state / "epoch")
    wanted = set(args.service or SERVICES)
    planned = [p for p in month(epoch) if p.service in wanted]
    start, end = epoch - timedelta(days=DAYS), epoch - timedelta(days=1)
    names = ", ".join(sorted(wanted, key=SERVICES.index))
    print(f"demo month {start} to {end} (epoch {epoch}): {len(planned)} events for {names}")
    try:
        report = asyncio.run(load(args, planned))
    except (httpx.HTTPError, RuntimeError) as error:
        print(f"loading stopped: {error}", file=sys.stderr)
        return 2
    if report is None:
        return 2
    print()
    print(report.table())
    if report.refusals:
        print(f"\n{len(report.refusals)} events were refused (problems above)", file=sys.stderr)
        return 1
    return 0
