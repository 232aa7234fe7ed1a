"""The model limit: bare spaCy nlp.pipe NER over the tagger's input texts, on one core and on every core at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from services.tag.bench import LanguageText, measure_bare_pipe


def bare_ner_one_core(texts: Sequence[LanguageText]) -> dict[str, float]:
    """services.tag.bench.measure_bare_pipe in this process, once (each language's model on its texts); articles/s added."""
    figures = measure_bare_pipe(list(texts), repeats=1)
    figures["articles_per_s"] = round(figures["texts"] / figures["seconds"], 2) if figures["seconds"] else 0.0
    return figures


def bare_ner_parallel(texts: Sequence[LanguageText], processes: int) -> dict[str, float]:
    """`processes` spawned processes each pipe their share at the same time; throughput is the sum of theirs."""
    shares = [list(texts[index::processes]) for index in range(processes)]
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(bare_ner_one_core, shares))
    return {
        "processes": float(processes),
        "texts": sum(result["texts"] for result in results),
        "tokens_per_s": round(sum(result["tokens_per_s"] for result in results), 1),
        "articles_per_s": round(sum(result["articles_per_s"] for result in results), 2),
        "peak_rss_mb": max(result["peak_rss_mb"] for result in results),
    }


def per_article(figures: dict[str, float], taggable_share: float) -> dict[str, float]:
    """Texts/s as unique articles/s: articles the tagger does not run the model on (other languages) cost it nothing."""
    texts_per_s = figures["articles_per_s"]
    return figures | {
        "texts_per_s": texts_per_s,
        "articles_per_s": round(texts_per_s / taggable_share, 2) if taggable_share else texts_per_s,
    }
