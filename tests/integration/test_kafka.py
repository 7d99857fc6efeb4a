"""The Kafka that the local stack started is real: a record goes through a declared topic."""

from __future__ import annotations

import uuid
from pathlib import Path

import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from tests.stack import STACK

TOPICS_FILE = Path(__file__).parents[2] / "deploy" / "kafka" / "topics.yaml"


def declared_topics() -> dict[str, int]:
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    return {t["name"]: int(t["partitions"]) for t in data["topics"]}


async def test_every_declared_topic_exists_with_its_partitions() -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=STACK.kafka_bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(declared_topics()))
    finally:
        await admin.close()
    actual = {t["topic"]: len(t["partitions"]) for t in described if t["error_code"] == 0}
    assert actual == declared_topics()


async def test_record_round_trips_through_a_declared_topic() -> None:
    topic = "samverkan.treatment.v1"
    assert topic in declared_topics()
    key = f"it-{uuid.uuid4()}".encode()
    value = uuid.uuid4().bytes
    producer = AIOKafkaProducer(bootstrap_servers=STACK.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, value, key=key, headers=[("ce_id", key)])
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(bootstrap_servers=STACK.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, sent.partition)
        consumer.assign([tp])
        consumer.seek(tp, sent.offset)
        batch = await consumer.getmany(tp, timeout_ms=10_000, max_records=1)
    finally:
        await consumer.stop()
    [record] = batch[tp]
    assert (record.key, record.value) == (key, value)
    assert ("ce_id", key) in list(record.headers)
