"""The chassis's metrics (records in and out, batches, lag), declared once against an injected registry.

What the articles themselves say is counted by `services.article_hooks`, on the same registry.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_DURATION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


class Metrics:
    """One instance per process, on that process's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.consumed = Counter("newsflow_messages_consumed_total", "Records consumed by a stage.", ["stage"], registry=registry)
        self.produced = Counter(
            "newsflow_messages_produced_total", "Records published by a stage, by topic.", ["stage", "topic"], registry=registry
        )
        self.dead_letters = Counter(
            "newsflow_dead_letters_total", "Records sent to the dead-letter topic, by reason.", ["stage", "reason"], registry=registry
        )
        self.batch_duration = Histogram(
            "newsflow_batch_duration_seconds",
            "Time to process and publish one batch.",
            ["stage"],
            buckets=_DURATION_BUCKETS,
            registry=registry,
        )
        self.batch_size = Histogram(
            "newsflow_batch_size_records", "Records in one consumed batch.", ["stage"], buckets=_BATCH_BUCKETS, registry=registry
        )
        self.in_flight = Gauge("newsflow_in_flight_records", "Records being processed now.", ["stage"], registry=registry)
        self.consumer_lag = Gauge(
            "newsflow_consumer_lag_records",
            "Records not yet processed: end offset (read_committed: last stable offset) minus the stage's position, plus those in flight.",
            ["stage", "topic", "partition"],
            registry=registry,
        )
        self.batch_attempts = Counter(
            "newsflow_batch_attempts_total",
            "Attempts to process and deliver a batch, by outcome (delivered, failed); a failed batch is taken again.",
            ["stage", "outcome"],
            registry=registry,
        )
        self.partition_stuck = Gauge(
            "newsflow_partition_stuck",
            "1 while a partition's batch has failed stuck_after_attempts times in a row without its offset moving.",
            ["stage", "topic", "partition"],
            registry=registry,
        )
