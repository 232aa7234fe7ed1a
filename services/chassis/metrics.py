"""Every metric newsflow exports, declared once against an injected registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_DURATION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
# Freshness spans seconds (live crawl) to days (backfills), so the buckets do too.
_FRESHNESS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 604800)


class Metrics:
    """The service's metrics; one instance per process, on that process's registry."""

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
        self.duplicates = Counter("newsflow_duplicates_total", "Articles found to be duplicates, by kind.", ["kind"], registry=registry)
        self.dedup_verdicts = Counter(
            "newsflow_dedup_verdicts_total",
            "Verdicts the dedup stage published, by kind (unique, exact, near, url, resend, update).",
            ["kind"],
            registry=registry,
        )
        self.dedup_held = Gauge(
            "newsflow_dedup_held_records",
            "Articles whose dedup verdict waits for the grace period (or for its delivery).",
            registry=registry,
        )
        self.entities = Counter("newsflow_entities_total", "Entities found, by label.", ["label"], registry=registry)
        self.tagging = Counter(
            "newsflow_tagging_total",
            "Articles the tag stage published, by tagging status (tagged, skipped) and language.",
            ["status", "language"],
            registry=registry,
        )
        self.words = Counter(
            "newsflow_words_processed_total", "Words of article body published by a stage (tokens, roughly).", ["stage"], registry=registry
        )
        self.freshness = Histogram(
            "newsflow_event_freshness_seconds",
            "From the article's event time (fetched_at or published_at) to the stage publishing it.",
            ["stage", "reference"],
            buckets=_FRESHNESS_BUCKETS,
            registry=registry,
        )
        self.consumer_lag = Gauge(
            "newsflow_consumer_lag_records",
            "Records not yet committed: broker end offset minus the group's committed offset.",
            ["stage", "topic", "partition"],
            registry=registry,
        )
        self.dedup_fingerprints = Gauge(
            "newsflow_dedup_state_fingerprints", "Fingerprints held in the dedup state (within the window).", registry=registry
        )
