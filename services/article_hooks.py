"""The article side of every stage's output: lineage and stage-time stamps, and the article metrics.

The chassis calls these through `services.chassis.hooks.RecordHooks` and knows no article model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pydantic import BaseModel

from services.messages import CleanArticle, DuplicateArticle, EnrichedArticle, Lineage, Record, UniqueArticle

# Freshness spans seconds (live crawl) to days (backfills), so the buckets do too.
_FRESHNESS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 604800)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ArticleMetrics:
    """What the published articles say, declared once against the process's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.duplicates = Counter("newsflow_duplicates_total", "Articles found to be duplicates, by kind.", ["kind"], registry=registry)
        self.dedup_verdicts = Counter(
            "newsflow_dedup_verdicts_total",
            "Verdicts the dedup stage published, by kind (unique, exact, near, url, resend, update).",
            ["kind"],
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


def fingerprints_gauge(registry: CollectorRegistry) -> Gauge:
    """The size of the in-process dedup state; registered only by a process that holds one."""
    return Gauge("newsflow_dedup_state_fingerprints", "Fingerprints held in the dedup state (within the window).", registry=registry)


def held_gauge(registry: CollectorRegistry) -> Gauge:
    """Articles the dedup stage holds back; registered only by a process that runs it."""
    return Gauge(
        "newsflow_dedup_held_records", "Articles whose dedup verdict waits for the grace period (or for its delivery).", registry=registry
    )


class ArticleHooks:
    """Stamps every record after the raw topic with its lineage and the stage's time; counts what articles say."""

    def __init__(self, metrics: ArticleMetrics, clock: Clock = utc_now) -> None:
        self.metrics = metrics
        self._clock = clock

    @classmethod
    def on(cls, registry: CollectorRegistry) -> ArticleHooks:
        """Hooks whose article metrics are declared on `registry`."""
        return cls(ArticleMetrics(registry))

    def stamp(self, stage: str, result: BaseModel, lineage: Lineage | None, now: datetime) -> BaseModel:
        if isinstance(result, Record):
            update: dict[str, object] = {"stage_times": {**result.stage_times, stage: now}}
            if lineage is not None:  # None: a result held in an earlier batch keeps the lineage it was consumed at
                update["lineage"] = lineage
            return result.model_copy(update=update)
        return result

    def observe(self, stage: str, result: BaseModel) -> None:
        if isinstance(result, DuplicateArticle):
            self.metrics.duplicates.labels(result.kind).inc()
            self.metrics.dedup_verdicts.labels(result.kind).inc()
        elif isinstance(result, UniqueArticle) and not isinstance(result, EnrichedArticle):
            self.metrics.dedup_verdicts.labels("update" if result.revision > 1 else "unique").inc()
        elif isinstance(result, EnrichedArticle):
            self.metrics.tagging.labels(result.tagging.status, result.tagging.language or "unknown").inc()
            for entity in result.entities:
                self.metrics.entities.labels(entity.label).inc()
        if isinstance(result, CleanArticle):
            self._observe_freshness(stage, result)

    def _observe_freshness(self, stage: str, article: CleanArticle) -> None:
        self.metrics.words.labels(stage).inc(article.word_count)
        now = self._clock()
        self.metrics.freshness.labels(stage, "fetched").observe(max(0.0, (now - article.fetched_at).total_seconds()))
        if article.published_at is not None:
            self.metrics.freshness.labels(stage, "published").observe(max(0.0, (now - article.published_at).total_seconds()))
