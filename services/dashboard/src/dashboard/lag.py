"""How far the coordination service's projections are behind the topics (for operators): the
``samverkan_consumer_lag`` gauge of its ``/metrics`` (records on each partition not yet
applied to the view), read with the Prometheus client's own parser. No subject data."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

LAG_METRIC = "samverkan_consumer_lag"


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    behind: int


def consumer_lag(metrics: str) -> list[PartitionLag]:
    """Every partition's lag in a Prometheus text exposition, by topic and partition."""
    found = [
        PartitionLag(
            topic=sample.labels.get("topic", ""),
            partition=int(sample.labels.get("partition", "0")),
            behind=int(sample.value),
        )
        for family in text_string_to_metric_families(metrics)
        if family.name == LAG_METRIC
        for sample in family.samples
    ]
    return sorted(found, key=lambda p: (p.topic, p.partition))
