"""A pooled stage splits batches across worker processes and returns results in input order."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence

from pydantic import BaseModel

from services.chassis.pool import PooledStage
from services.messages import CleanArticle, RawArticle
from services.passthrough import RawAsClean
from services.stage import Rejection


def _no_setup() -> None:
    return None


def _clean_with_pid(batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
    """Runs in a worker: the body records which process handled the record."""
    time.sleep(0.3)  # long enough that both chunks are in flight at once, each in its own worker
    results = RawAsClean().process(batch)
    return [r.model_copy(update={"body": f"{os.getpid()}"}) if isinstance(r, CleanArticle) else r for r in results]


def _raw(number: int) -> RawArticle:
    return RawArticle.model_validate(json.loads(json.dumps({"id": f"r{number}", "fetched_at": "2026-11-20T08:00:00Z", "text": "x y z"})))


def test_batches_are_split_across_workers_and_keep_their_order() -> None:
    stage = PooledStage("clean", RawArticle, _clean_with_pid, workers=2, initializer=_no_setup)
    try:
        stage.warm_up()
        results = stage.process([_raw(number) for number in range(10)])
    finally:
        stage.close()
    assert [r.id for r in results if isinstance(r, CleanArticle)] == [f"r{number}" for number in range(10)]
    pids = {r.body for r in results if isinstance(r, CleanArticle)}
    assert len(pids) == 2
    assert str(os.getpid()) not in pids


def test_an_empty_batch_gives_no_results() -> None:
    stage = PooledStage("clean", RawArticle, _clean_with_pid, workers=2, initializer=_no_setup)
    try:
        assert stage.process([]) == []
    finally:
        stage.close()
