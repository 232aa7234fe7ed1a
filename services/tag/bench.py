"""Throughput of the tagger: bare NER-only nlp.pipe, and the whole TagStage against it, in tokens per second.

Texts come with their language; the bare figure runs each language's model over that language's
texts (the same work the stage's model calls do), so the two compare on the same bodies.

spaCy's CPU pipeline runs on one thread, so these are per-core figures. Bare NER alone is the best of
`repeats` timed runs, because other load only ever slows a run down; the stage is measured against bare
NER interleaved batch by batch (stage_against_bare), so that both see the same load. Peak RSS is the
process's high-water mark (resource.getrusage), which includes the loaded model.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def _articles(items: Sequence[LanguageText]) -> list[UniqueArticle]:
    return [
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


@dataclass
class _Clock:
    """Wall and CPU seconds spent in one side of a comparison."""

    wall: float = 0.0
    cpu: float = 0.0

    def time(self, run: Callable[[Sequence[UniqueArticle]], object], batch: Sequence[UniqueArticle]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run(batch)
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu


def _share(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def stage_against_bare(
    items: Sequence[LanguageText], *, batch_size: int = 32, rounds: int = 2, options: TagOptions | None = None
) -> dict[str, Any]:
    """The whole TagStage against bare NER on the same texts, side by side: stage tokens/s as a share of bare tokens/s.

    Bare NER is nlp.pipe of the same NER-only pipeline with the same batch size, nothing else. The two
    alternate batch by batch (which goes first swaps every batch and every round), so load from other
    processes falls on both alike; a shared machine's noise moves them together and the share holds.
    It is given on wall time and on this process's CPU time; each round's share is given too.
    """
    backends = load_backends(_languages(items), batch_size=batch_size)
    stage = TagStage(backends, options=options)
    nlps = {backend.language: backend.nlp for backend in backends}
    articles = _articles(items)
    batches = [articles[start : start + batch_size] for start in range(0, len(articles), batch_size)]
    tokens = sum(len(nlps[language].make_doc(text)) for language, text in items)

    def bare(batch: Sequence[UniqueArticle]) -> None:
        for language, nlp in nlps.items():
            list(nlp.pipe([article.body for article in batch if article.language == language], batch_size=batch_size))

    bare(articles[:_WARM_UP])
    stage.process(articles[:_WARM_UP])
    bare_clock, stage_clock = _Clock(), _Clock()
    sides: list[tuple[_Clock, Callable[[Sequence[UniqueArticle]], object]]] = [(bare_clock, bare), (stage_clock, stage.process)]
    per_round = []
    for round_number in range(max(rounds, 1)):
        bare_before, stage_before = bare_clock.wall, stage_clock.wall
        for index, batch in enumerate(batches):
            for clock, run in sides if (index + round_number) % 2 == 0 else sides[::-1]:
                clock.time(run, batch)
        per_round.append(_share(bare_clock.wall - bare_before, stage_clock.wall - stage_before))
    return {
        "texts": len(items),
        "tokens": tokens,
        "rounds": len(per_round),
        "bare_seconds": round(bare_clock.wall, 3),
        "stage_seconds": round(stage_clock.wall, 3),
        "bare_tokens_per_s": round(tokens * len(per_round) / bare_clock.wall, 1) if bare_clock.wall else 0.0,
        "stage_tokens_per_s": round(tokens * len(per_round) / stage_clock.wall, 1) if stage_clock.wall else 0.0,
        # Same tokens on both sides: the share of throughput is bare time over stage time.
        "stage_vs_bare": _share(bare_clock.wall, stage_clock.wall),
        "stage_vs_bare_cpu": _share(bare_clock.cpu, stage_clock.cpu),
        "stage_vs_bare_per_round": per_round,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
