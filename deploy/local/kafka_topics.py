"""Create the topics declared in deploy/kafka/topics.yaml on the local broker.

Waits until the broker answers metadata requests, creates missing topics and aligns the
configuration of existing ones. Safe to run any number of times.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, KafkaError


def load(path: Path) -> list[dict[str, Any]]:
    topics: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return topics


async def connect(bootstrap: str, wait_seconds: float) -> AIOKafkaAdminClient:
    deadline = time.monotonic() + wait_seconds
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.list_topics()
        except (KafkaConnectionError, KafkaError, OSError):
            await admin.close()
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1)
        else:
            return admin


async def ensure(bootstrap: str, path: Path, wait_seconds: float) -> None:
    wanted = load(path)
    admin = await connect(bootstrap, wait_seconds)
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(
                name=t["name"],
                num_partitions=int(t["partitions"]),
                replication_factor=1,
                topic_configs={k: str(v) for k, v in t.get("config", {}).items()},
            )
            for t in wanted
            if t["name"] not in existing
        ]
        if new:
            await admin.create_topics(new)
        changed = [
            ConfigResource(
                ConfigResourceType.TOPIC,
                t["name"],
                {k: str(v) for k, v in t.get("config", {}).items()},
            )
            for t in wanted
            if t["name"] in existing and t.get("config")
        ]
        if changed:
            await admin.alter_configs(changed)
        created = ", ".join(t.name for t in new) or "none"
        sys.stdout.write(f"[kafka] topics: {len(wanted)} declared, created: {created}\n")
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("topics_file", type=Path)
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    asyncio.run(ensure(args.bootstrap, args.topics_file, args.timeout))


if __name__ == "__main__":
    main()
