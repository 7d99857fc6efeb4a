"""The benchmark harness works: its events are valid and distinct, its report puts each
figure beside its baseline, and a tiny run goes end to end on the real stack. Performance
itself is judged by ``make bench`` as ratios to baselines of the same run, never here."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bench.config import Stack
from bench.processes import Services, free_ports
from bench.report import Figure, Results
from bench.workload import BLOCK, HttpBatches, Templates
from samverkan_contracts.envelope import from_kafka

ROOT = Path(__file__).resolve().parents[2]


def test_copied_events_are_valid_distinct_and_move_on_in_time() -> None:
    templates = Templates(blocks=3)
    records = templates.records(5 * BLOCK)
    events = [from_kafka(r.key, r.value, r.headers) for r in records]
    assert len({e.id for e in events}) == len(events)
    assert all(e.spec.topic.name == r.topic for e, r in zip(events, records, strict=True))
    referrals = [e for e in events if e.type.endswith("referral.sent.v1")]
    assert len({e.subject for e in referrals}) == len(referrals)
    later = templates.records(2000)[-1]
    assert from_kafka(later.key, later.value, later.headers).time > events[0].time


def test_http_batches_are_fresh_each_time() -> None:
    batches = HttpBatches("kista", size=3)
    first, second = json.loads(batches.batch()), json.loads(batches.batch())
    assert {e["id"] for e in first}.isdisjoint(e["id"] for e in second)
    assert all("actororg" not in e for e in first)


def test_the_report_puts_figures_beside_their_baselines(tmp_path: Path) -> None:
    results = Results(mode="test")
    results.add(Figure("B2", "raw", "events/s", {"rate": 20_000.0}))
    results.add(Figure("P1a", "view", "events/s", {"rate": 12_000.0}, baseline="B2"))
    assert results.ratios() == {"P1a": {"rate": 0.6}}
    assert "| P1a | view | 12,000 events/s | B2: 20,000 events/s | 0.60x |" in results.table()
    written = json.loads(results.write(tmp_path).read_text())
    assert written["ratios"]["P1a"]["rate"] == 0.6
    assert (tmp_path / "latest.json").exists()


def test_the_services_get_different_free_ports() -> None:
    ports = free_ports(64)
    assert len(set(ports)) == len(ports)
    first_outgoing = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    assert max(ports) < first_outgoing  # no outgoing connection can take one
    for port in ports:  # and nothing holds them any more
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


async def test_a_service_that_exits_at_start_says_why_in_the_error(tmp_path: Path) -> None:
    services = Services(Stack(), tmp_path, batch_size=1)
    services.spawn("failing", ["bench.no_such_module"], {}, free_ports(1)[0])
    with pytest.raises(RuntimeError, match=r"(?s)failing exited.*No module named"):
        await services.ready(seconds=30)


@pytest.mark.integration
def test_a_tiny_run_goes_end_to_end(tmp_path: Path) -> None:
    sizes = ["p1a_events=600", "p3_events=800", "idle_seconds=0", "b1_records=500"]
    command = [sys.executable, "-m", "bench", "--quick", "--only", "B1,P1a,P3", "--out"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, str(tmp_path), *(a for s in sizes for a in ("--set", s))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| P1a | topics -> coordination view" in done.stdout
    report = json.loads((tmp_path / "latest.json").read_text())
    assert report["figures"]["P1a"]["values"]["rate"] > 0
    assert report["figures"]["P3"]["values"]["rate"] > 0
    assert report["ratios"]["P1a"]["rate"] > 0
