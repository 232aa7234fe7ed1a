"""The model limit: bare spaCy nlp.pipe NER over the tagger's input texts, on one core and on every core at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from services.tag.bench import LanguageText, measure_bare_pipe, measure_stage, model_memory


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
_PER_MODEL_TEXTS = 200


def _one_model(language: str, texts: Sequence[str]) -> dict[str, float]:
    """In a fresh process: the model's resident memory, then bare NER and the whole TagStage over the texts, read in `language`."""
    memory = model_memory(language)
    items = [(language, text) for text in texts]
    bare = measure_bare_pipe(items, repeats=1)
    stage = measure_stage(items, repeats=1)
    return {
        "model_rss_mb": memory["model_rss_mb"],
        "bare_tokens_per_s": bare["tokens_per_s"],
        "stage_tokens_per_s": stage["tokens_per_s"],
        "stage_vs_bare": round(stage["tokens_per_s"] / bare["tokens_per_s"], 3) if bare["tokens_per_s"] else 0.0,
    }


def per_model(languages: Sequence[str], texts: Sequence[str]) -> dict[str, dict[str, float]]:
    """Each language's model on the same bodies, one fresh process at a time: memory, bare and stage tokens/s.

    The bodies are the corpus's (English) ones for every model: spaCy's cost per token hardly depends
    on the language, so the figures compare the models' speed and the stage's overhead on each.
    """
    spawn = multiprocessing.get_context("spawn")
    sample = list(texts[:_PER_MODEL_TEXTS])
    figures = {}
    for language in languages:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            figures[language] = pool.submit(_one_model, language, sample).result()
    return figures
