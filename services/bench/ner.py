"""The model limit: bare spaCy nlp.pipe NER over the tagger's input texts, on one core and on every core at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from services.bench.french import french_bodies
from services.tag.bench import LanguageText, measure_bare_pipe, model_memory, stage_against_bare


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


# Enough bodies for a stable rate (tens of thousands of tokens) without doubling the bench's model time.
_PER_MODEL_TEXTS = 160
# Languages the corpus has no pages in: bodies written in the language for the bench.
_WRITTEN_BODIES: dict[str, Callable[[int], list[str]]] = {"fr": french_bodies}


def model_bodies(language: str, items: Sequence[LanguageText], count: int = _PER_MODEL_TEXTS) -> tuple[list[str], str]:
    """Up to `count` bodies in `language` and where they come from: the corpus's, else ones written for the bench."""
    corpus = [text for lang, text in items if lang == language][:count]
    if corpus or language not in _WRITTEN_BODIES:
        return corpus, "corpus"
    return _WRITTEN_BODIES[language](count), "written for the bench"


def _one_model(language: str, texts: Sequence[str], rounds: int) -> dict[str, Any]:
    """In a fresh process: the model's resident memory, then the whole TagStage against bare NER over the texts."""
    memory = model_memory(language)
    return {"model_rss_mb": memory["model_rss_mb"]} | stage_against_bare([(language, text) for text in texts], rounds=rounds)


def per_model(languages: Sequence[str], items: Sequence[LanguageText], rounds: int = 2) -> dict[str, dict[str, Any]]:
    """Each language's model on bodies in its language, one fresh process at a time: memory, and stage against bare NER.

    Stage and bare NER alternate batch by batch for `rounds` rounds (services.tag.bench.stage_against_bare).
    A language the corpus has no bodies in is measured on bodies written in it, if there are any.
    """
    spawn = multiprocessing.get_context("spawn")
    figures: dict[str, dict[str, Any]] = {}
    # Written bodies are as many as the corpus gives the tagger, so a quick run stays quick.
    count = min(_PER_MODEL_TEXTS, len(items))
    for language in languages:
        texts, origin = model_bodies(language, items, count)
        if not texts:
            continue
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            figures[language] = pool.submit(_one_model, language, texts, rounds).result() | {"bodies": origin}
    return figures
