"""Throughput of the tagger: bare NER-only nlp.pipe, and the whole TagStage, in tokens per second.

spaCy's CPU pipeline runs on one thread, so these are per-core figures; peak RSS is the process's
high-water mark (resource.getrusage), which includes the loaded model.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from services.messages import UniqueArticle
from services.tag.options import TagOptions
from services.tag.spacy_backend import DEFAULT_MODEL, SpacyBackend
from services.tag.stage import TagStage

_WARM_UP = 8
_FETCHED_AT = datetime(2020, 1, 1, tzinfo=UTC)


def peak_rss_mb() -> float:
    """The process's peak resident set size in MiB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _figures(tokens: int, seconds: float, texts: int) -> dict[str, float]:
    return {
        "texts": float(texts),
        "tokens": float(tokens),
        "seconds": round(seconds, 3),
        "tokens_per_s": round(tokens / seconds, 1) if seconds else 0.0,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def measure_bare_pipe(texts: Sequence[str], model: str = DEFAULT_MODEL, batch_size: int = 32) -> dict[str, float]:
    """Tokens/s of nlp.pipe with the NER-only pipeline, nothing else."""
    nlp = SpacyBackend.load(model, batch_size=batch_size).nlp
    list(nlp.pipe(texts[:_WARM_UP]))
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
    return _figures(tokens, time.perf_counter() - started, len(texts))


def measure_stage(
    texts: Sequence[str], model: str = DEFAULT_MODEL, batch_size: int = 32, options: TagOptions | None = None
) -> dict[str, float]:
    """Tokens/s through TagStage.process (model plus truecasing, reconciliation, merging, salience)."""
    backend = SpacyBackend.load(model, batch_size=batch_size)
    stage = TagStage(backend, options=options)
    articles = [
        UniqueArticle(
            id=f"bench-{i}",
            fetched_at=_FETCHED_AT,
            body=text,
            word_count=len(text.split()),
            removed_chars=0,
            cluster_id=f"bench-{i}",
            content_hash=f"{i}",
        )
        for i, text in enumerate(texts)
    ]
    tokens = sum(len(backend.nlp.make_doc(text)) for text in texts)
    stage.process(articles[:_WARM_UP])
    started = time.perf_counter()
    stage.process(articles)
    return _figures(tokens, time.perf_counter() - started, len(texts))
