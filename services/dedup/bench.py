"""Benchmark of the dedup decision (not a test): decisions per second and memory per fingerprint.

`newsflow bench` calls `measure_decisions`; run it on one core (the stage is single-threaded:
numpy's integer kernels use no thread pool).
"""

from __future__ import annotations

import time
import tracemalloc
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from services.dedup.decision import DedupStore
from services.dedup.redis_state import RedisDedupState
from services.dedup.stage import DedupStage
from services.dedup.state import DedupState
from services.messages import CleanArticle

_START = datetime(2026, 1, 1, tzinfo=UTC)
_BATCH = 100  # a typical consumer batch
_PER_MILLION = 1_000_000


def _articles(texts: Sequence[str]) -> list[CleanArticle]:
    return [
        CleanArticle(
            id=f"bench-{index}",
            fetched_at=_START + timedelta(seconds=index),
            body=text,
            word_count=len(text.split()),
            removed_chars=0,
        )
        for index, text in enumerate(texts)
    ]


def _decisions_per_second(store: DedupStore, articles: Sequence[CleanArticle]) -> float:
    stage = DedupStage(store)
    started = time.perf_counter()
    for start in range(0, len(articles), _BATCH):
        stage.process(articles[start : start + _BATCH])
    return len(articles) / (time.perf_counter() - started)


def _in_process_bytes_per_fingerprint(articles: Sequence[CleanArticle]) -> float:
    """Heap held by a state after deciding `articles`, per fingerprint it indexes (tracemalloc)."""
    stage = DedupStage(DedupState.open(None))
    probes = [stage.probe(article) for article in articles]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        state = DedupState.open(None)
        for start in range(0, len(probes), _BATCH):
            batch = probes[start : start + _BATCH]
            state.admit(batch, stage.policy)
            state.settle([(probe.article_id, probe.event_key) for probe in batch], stage.policy)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return held / max(1, state.fingerprints)


def measure_decisions(texts: Sequence[str], *, redis_url: str | None = None) -> dict[str, float]:
    """Decisions/s with in-process state (and with Redis when `redis_url` is given), and memory per million fingerprints.

    Every text is one article fetched a second after the previous one, so all stay in the window.
    Memory is what the state holds after the run, divided by the fingerprints it indexes, times a million.
    """
    articles = _articles(texts)
    stage = DedupStage(DedupState.open(None))
    for article in articles[:_BATCH]:  # warm-up: first numpy calls and allocations are slow
        stage.probe(article)
    started = time.perf_counter()
    for article in articles:
        stage.probe(article)
    fingerprint_seconds = time.perf_counter() - started
    results = {
        "articles": float(len(articles)),
        "mean_words": sum(article.word_count for article in articles) / max(1, len(articles)),
        "fingerprints_per_s": len(articles) / fingerprint_seconds,
        "in_process_decisions_per_s": _decisions_per_second(DedupState.open(None), articles),
        "in_process_mb_per_million_fingerprints": _in_process_bytes_per_fingerprint(articles) * _PER_MILLION / 2**20,
    }
    if redis_url is not None:
        store = RedisDedupState.open(redis_url, namespace=f"bench-{uuid.uuid4().hex}")
        try:
            results["redis_decisions_per_s"] = _decisions_per_second(store, articles)
            results["redis_mb_per_million_fingerprints"] = store.used_memory() / max(1, len(articles)) * _PER_MILLION / 2**20
        finally:
            store.drop()
            store.close()
    return results
