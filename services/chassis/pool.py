"""CPU-heavy stage work in worker processes, so a stage uses every core and its event loop never waits on it."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from services.stage import Rejection

InT = TypeVar("InT", bound=BaseModel)
BatchFunction = Callable[[Sequence[Any]], list[BaseModel | Rejection]]


class PooledStage(Generic[InT]):
    """A stage whose `process` splits each batch across worker processes and keeps the input order.

    `work` is a module-level function run in the workers (it must pickle); `initializer` loads what the
    workers need, once per worker process.
    """

    def __init__(
        self,
        name: str,
        input_model: type[InT],
        work: BatchFunction,
        *,
        workers: int,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...] = (),
        chunk_size: int = 8,
    ) -> None:
        self.name = name
        self.input_model = input_model
        self._work = work
        self._workers = workers
        self._chunk_size = chunk_size
        # spawn, not fork: the parent runs an event loop and threads, which a forked child must not inherit.
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=initializer, initargs=initargs
        )

    def warm_up(self) -> None:
        """Start every worker and wait until each has run its initializer (the model is loaded before /readyz)."""
        for future in [self._pool.submit(self._work, []) for _ in range(self._workers)]:
            future.result()

    def process(self, batch: Sequence[InT]) -> list[BaseModel | Rejection]:
        # Small chunks, not one half per worker: records differ in cost (a long body, or one the stage skips),
        # and a worker that finishes early takes the next chunk instead of idling.
        chunks = [list(batch[start : start + self._chunk_size]) for start in range(0, len(batch), self._chunk_size)]
        results: list[BaseModel | Rejection] = []
        for future in [self._pool.submit(self._work, chunk) for chunk in chunks]:
            results.extend(future.result())
        return results

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
