"""Throughput of the tagger: bare NER-only nlp.pipe, and the whole TagStage, in tokens per second.

Texts come with their language; the bare figure runs each language's model over that language's
texts (the same work the stage's model calls do), so the two compare on the same bodies.

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
from pathlib import Path

from services.messages import UniqueArticle
from services.tag.languages import load_backends
from services.tag.options import TagOptions
from services.tag.stage import TagStage

# (language, text): the tagger's input as the stage sees it.
LanguageText = tuple[str, str]

_WARM_UP = 8
_FETCHED_AT = datetime(2020, 1, 1, tzinfo=UTC)


def peak_rss_mb() -> float:
    """The process's peak resident set size in MiB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """The process's resident set size now, in MiB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * resource.getpagesize() / 2**20


def model_memory(language: str) -> dict[str, float]:
    """Resident memory one language's NER model adds to a process: RSS after loading it minus before (run in a fresh process)."""
    before = current_rss_mb()
    (backend,) = load_backends([language])
    backend.entities(["Warm-up text so that lazily built tables are counted too."])
    return {"rss_before_mb": round(before, 1), "model_rss_mb": round(current_rss_mb() - before, 1)}


def _languages(items: Sequence[LanguageText]) -> list[str]:
    return list(dict.fromkeys(language for language, _ in items))


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


def measure_bare_pipe(items: Sequence[LanguageText], batch_size: int = 32, repeats: int = 3) -> dict[str, float]:
    """Tokens/s of nlp.pipe with each language's NER-only pipeline over that language's texts, nothing else."""
    nlps = {backend.language: backend.nlp for backend in load_backends(_languages(items), batch_size=batch_size)}
    by_language = {language: [text for lang, text in items if lang == language] for language in nlps}
    tokens = 0
    for language, texts in by_language.items():
        list(nlps[language].pipe(texts[:_WARM_UP]))
        tokens += sum(len(nlps[language].make_doc(text)) for text in texts)

    def run() -> None:
        for language, texts in by_language.items():
            list(nlps[language].pipe(texts, batch_size=batch_size))

    return _figures(tokens, _best_seconds(run, repeats), len(items))


def measure_stage(
    items: Sequence[LanguageText], batch_size: int = 32, options: TagOptions | None = None, repeats: int = 3
) -> dict[str, float]:
    """Tokens/s through TagStage.process (models plus truecasing, reconciliation, merging, salience)."""
    backends = load_backends(_languages(items), batch_size=batch_size)
    stage = TagStage(backends, options=options)
    nlps = {backend.language: backend.nlp for backend in backends}
    articles = [
        UniqueArticle(
            id=f"bench-{i}",
            fetched_at=_FETCHED_AT,
            body=text,
            language=language,
            word_count=len(text.split()),
            removed_chars=0,
            cluster_id=f"bench-{i}",
            content_hash=f"{i}",
        )
        for i, (language, text) in enumerate(items)
    ]
    tokens = sum(len(nlps[language].make_doc(text)) for language, text in items)
    stage.process(articles[:_WARM_UP])
    seconds = _best_seconds(lambda: stage.process(articles), repeats)
    return _figures(tokens, seconds, len(items))
