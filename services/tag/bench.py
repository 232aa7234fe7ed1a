"""Throughput of the tagger: bare NER-only nlp.pipe, and the whole TagStage, in tokens per second.

spaCy's CPU pipeline runs on one thread, so these are per-core figures (pin the process with
`taskset -c N` on a shared machine); the best of `repeats` timed runs is reported, because other
load only ever slows a run down. Peak RSS is the process's high-water mark (resource.getrusage),
which includes the loaded model.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
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


def _best_seconds(run: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(max(repeats, 1)):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def _figures(tokens: int, seconds: float, texts: int) -> dict[str, float]:
    return {
        "texts": float(texts),
        "tokens": float(tokens),
        "seconds": round(seconds, 3),
        "tokens_per_s": round(tokens / seconds, 1) if seconds else 0.0,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def measure_bare_pipe(texts: Sequence[str], model: str = DEFAULT_MODEL, batch_size: int = 32, repeats: int = 3) -> dict[str, float]:
    """Tokens/s of nlp.pipe with the NER-only pipeline, nothing else."""
    nlp = SpacyBackend.load(model, batch_size=batch_size).nlp
    list(nlp.pipe(texts[:_WARM_UP]))
    tokens = sum(len(nlp.make_doc(text)) for text in texts)
    seconds = _best_seconds(lambda: list(nlp.pipe(texts, batch_size=batch_size)), repeats)
    return _figures(tokens, seconds, len(texts))


def measure_stage(
    texts: Sequence[str], model: str = DEFAULT_MODEL, batch_size: int = 32, options: TagOptions | None = None, repeats: int = 3
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
    seconds = _best_seconds(lambda: stage.process(articles), repeats)
    return _figures(tokens, seconds, len(texts))
