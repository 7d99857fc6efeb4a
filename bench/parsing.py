"""``python -m bench.parsing``: the CPU cost of parsing one event, in µs, on each path.

No servers: events are built with the contracts' own builders (``new_event``, then
``to_kafka`` or the structured JSON a client sends) and parsed in a loop, as the
coordination service (``from_kafka``) and the domain services' ingestion API
(``parse_structured``, ``parse_batch``) do. Three mixes:

* ``workload``: the platform benchmark's block of 20 events (bench/workload.py), the
  mix behind its figures;
* ``swedish``: the workload mix with its free text in Swedish (å, ä, ö: not ASCII), as the
  city's staff write it;
* ``samples``: one of every golden sample in contracts/samples (every event type).

As in production, every Kafka record carries the transport ``traceparent`` header the
services' publisher adds; ``--traced`` of the workload mix's events (half by default) carry
their own trace context too (``ce_traceparent``), as events from traced client systems do.

Each path is timed ``--repeat`` times over the whole mix, ``--rounds`` times round; the
table shows the median and the best round in µs of CPU time per event (this thread's, so
time the scheduler gives other processes is not counted; on a shared machine the best
round is the steadier figure). Every parsed event is first checked against the event it
came from, so a broken parser cannot look fast. ``--loop SECONDS --only PATH`` parses on
one path for that long without timing (for py-spy). Run it alone on the machine:
``flock var/heavy.lock python -m bench.parsing``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.workload import Blocks
from samverkan_contracts.base import EventData
from samverkan_contracts.envelope import (
    CloudEvent,
    from_kafka,
    parse_batch,
    parse_event,
    parse_structured,
    to_kafka,
    wire_dict,
)

SAMPLES = Path(__file__).parents[1] / "contracts" / "samples"
Event = CloudEvent[EventData]


@dataclass(frozen=True, slots=True)
class Way:
    """One way in: ``run`` parses every event of the mix once and returns the events."""

    name: str
    run: Callable[[], list[Event]]


def _traceparent(rng: random.Random) -> str:
    return f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01"


def workload_mix(blocks: int, traced: float = 0.5) -> list[Event]:
    """``blocks`` blocks of the platform benchmark's 20-event mix, a ``traced`` share of them
    (spread evenly) with a trace context of their own."""
    maker, rng = Blocks(seed=8), random.Random(8)  # noqa: S311 - benchmark data, not secrets
    events = [event for _ in range(blocks) for event in maker.block()]
    return [
        e.model_copy(update={"traceparent": _traceparent(rng)})
        if int((i + 1) * traced) > int(i * traced)
        else e
        for i, e in enumerate(events)
    ]


#: The workload's free text, as the city's staff would write it.
SWEDISH = {
    "description": "Lektion om grooming på nätet för årskurs 8",
    "case_summary": "Skolan är orolig: gåvor och nätter borta från hemmet",
    "advice": "Prata med eleven tillsammans med skolsköterskan",
}


def swedish_mix(blocks: int, traced: float = 0.5) -> list[Event]:
    """The workload mix with its free text in Swedish."""
    return [_in_swedish(e) for e in workload_mix(blocks, traced)]


def _in_swedish(event: Event) -> Event:
    text = {k: v for k, v in SWEDISH.items() if getattr(event.data, k, None) is not None}
    return event.model_copy(update={"data": event.data.model_copy(update=text)})


def sample_mix() -> list[Event]:
    """Every golden sample, every event type."""
    return [parse_event(json.loads(p.read_text("utf-8"))) for p in sorted(SAMPLES.glob("*/*.json"))]


def _client_json(event: Event) -> dict[str, Any]:
    body = wire_dict(event)
    body.pop("actororg")
    return body


def ways(events: list[Event]) -> list[Way]:
    """The three ways in, over the same events."""
    rng = random.Random(9)  # noqa: S311 - benchmark data, not secrets
    records = [
        (key, value, [*headers, ("traceparent", _traceparent(rng).encode())])
        for key, value, headers in map(to_kafka, events)
    ]
    bodies = [(json.dumps(_client_json(e)).encode(), e.actororg) for e in events]
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_actor.setdefault(event.actororg, []).append(_client_json(event))
    batches = [(json.dumps(items).encode(), actor) for actor, items in by_actor.items()]

    def kafka() -> list[Event]:
        return [from_kafka(key, value, headers) for key, value, headers in records]

    def structured() -> list[Event]:
        return [parse_structured(body, actororg=actor) for body, actor in bodies]

    def batch() -> list[Event]:
        return [e for body, actor in batches for e in parse_batch(body, actororg=actor)]

    return [Way("kafka", kafka), Way("http-structured", structured), Way("http-batch", batch)]


def _check(way: Way, events: list[Event]) -> None:
    parsed = {e.id: e for e in way.run()}
    if len(parsed) != len(events) or any(parsed.get(e.id) != e for e in events):
        raise SystemExit(f"{way.name}: the parsed events differ from the events sent")


def measure(way: Way, count: int, repeat: int, rounds: int) -> tuple[float, float]:
    """Median and best CPU µs per event over ``rounds`` rounds of ``repeat`` runs each."""
    per_event: list[float] = []
    for _ in range(rounds):
        start = time.thread_time_ns()
        for _ in range(repeat):
            way.run()
        per_event.append((time.thread_time_ns() - start) / 1000 / (repeat * count))
    return statistics.median(per_event), min(per_event)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.parsing", description=__doc__)
    parser.add_argument("--blocks", type=int, default=10, help="workload blocks of 20 events")
    parser.add_argument("--repeat", type=int, default=5, help="runs over the mix per round")
    parser.add_argument("--rounds", type=int, default=31, help="timed rounds per path")
    parser.add_argument("--only", default="", help="comma-separated paths, e.g. kafka")
    parser.add_argument(
        "--traced", type=float, default=0.5, help="share of events with a ce_traceparent"
    )
    parser.add_argument("--mix", default="workload,swedish,samples", help="comma-separated mixes")
    parser.add_argument("--loop", type=float, default=0.0, help="parse for SECONDS, no timing")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    mixes = {
        "workload": lambda: workload_mix(args.blocks, args.traced),
        "swedish": lambda: swedish_mix(args.blocks, args.traced),
        "samples": sample_mix,
    }
    only = set(filter(None, args.only.split(",")))
    out = sys.stdout
    out.write(f"Python {sys.version.split()[0]}; CPU µs per event (median / best of rounds)\n")
    out.write(f"{'mix':<10} {'events':>6}  {'path':<16} {'median':>8} {'best':>8}\n")
    for mix in args.mix.split(","):
        events = mixes[mix]()
        for way in ways(events):
            if only and way.name not in only:
                continue
            _check(way, events)
            if args.loop:
                deadline = time.monotonic() + args.loop
                while time.monotonic() < deadline:
                    way.run()
                continue
            gc.collect()
            median, best = measure(way, len(events), args.repeat, args.rounds)
            out.write(f"{mix:<10} {len(events):>6}  {way.name:<16} {median:8.1f} {best:8.1f}\n")
            out.flush()


if __name__ == "__main__":
    main()
