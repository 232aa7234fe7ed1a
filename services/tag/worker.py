"""The tagger in a process pool: each worker process loads the model once, in the pool initializer.

    pool = ProcessPoolExecutor(max_workers=n, initializer=init_worker, initargs=(("en", "fr"),))
    results = await loop.run_in_executor(pool, process_batch, batch)   # whole stage in the worker
    mentions = await loop.run_in_executor(pool, tag_texts, texts)      # or just the model

The initializer's loaded stage must outlive the initializer call, and a pool calls plain functions,
so it lives in a module-level holder. That is the only mutable module state in the tag stage; it is
per worker process, written once by `init_worker`, and never touched in the parent process.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from services.messages import UniqueArticle
from services.stage import Rejection
from services.tag.backend import Mention
from services.tag.languages import load_backends
from services.tag.options import TagOptions
from services.tag.stage import TagStage

_WORKER: dict[str, TagStage] = {}


def init_worker(languages: Sequence[str] = ("en",), options: TagOptions | None = None, batch_size: int = 32) -> None:
    """Load the models of these languages into this worker process (pass as ProcessPoolExecutor's initializer)."""
    _WORKER["stage"] = TagStage(load_backends(languages, batch_size=batch_size), options=options)


def _stage() -> TagStage:
    if "stage" not in _WORKER:
        raise RuntimeError("init_worker() has not run in this process; pass it as the pool's initializer")
    return _WORKER["stage"]


def tag_texts(texts: Sequence[str], language: str = "en") -> list[list[Mention]]:
    """The worker's raw mentions of each text by the model of `language` (a remote TaggerBackend.entities)."""
    return _stage().backends[language].entities(texts)


def process_batch(batch: Sequence[UniqueArticle]) -> list[BaseModel | Rejection]:
    """TagStage.process in the worker: articles in, enriched articles out (both pickle)."""
    return _stage().process(batch)
