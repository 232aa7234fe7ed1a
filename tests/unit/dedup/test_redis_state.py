"""The Redis state decides like the in-process one, and two instances racing never both pass a copy."""

from __future__ import annotations

import random
import threading
import uuid
from datetime import timedelta

from services.dedup import DedupStage, DedupState
from services.dedup.redis_state import RedisDedupState
from services.messages import DuplicateArticle, UniqueArticle
from tests.unit.dedup.conftest import article
from tests.unit.dedup.test_stage import STORY
from tests.unit.dedup.test_state import _stream


def _redis_state(redis_url: str, namespace: str | None = None) -> RedisDedupState:
    return RedisDedupState.open(redis_url, namespace=namespace or f"test-{uuid.uuid4().hex}")


def test_redis_and_in_process_states_decide_the_same(redis_url: str) -> None:
    stream = [*_stream(), article("late", STORY, at=timedelta(days=9)), article("later", STORY, at=timedelta(days=9, hours=1))]
    state = _redis_state(redis_url)
    assert state.ready
    assert DedupStage(state, window=timedelta(days=7)).process(stream) == DedupStage(DedupState.open(None)).process(stream)
    state.close()


def test_redis_replay_is_identical_and_survives_a_new_client(redis_url: str) -> None:
    namespace = f"test-{uuid.uuid4().hex}"
    first_state = _redis_state(redis_url, namespace)
    first = DedupStage(first_state).process(_stream())
    first_state.close()
    second_state = _redis_state(redis_url, namespace)
    assert DedupStage(second_state).process(_stream()) == first
    second_state.close()


def _story(seed: int) -> str:
    """A body of 120 words drawn at random: stories of different seeds share almost no shingles."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not security
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(120))


def test_two_instances_racing_on_copies_pass_exactly_one_as_unique(redis_url: str) -> None:
    namespace = f"test-{uuid.uuid4().hex}"
    rounds = 20
    copies = {
        name: [article(f"{name}-{index}", f"{_story(index)} Edition {name}.", at=timedelta(minutes=index)) for index in range(rounds)]
        for name in ("left", "right")
    }
    barrier = threading.Barrier(2)
    results: dict[str, list[object]] = {}

    def run(name: str) -> None:
        state = _redis_state(redis_url, namespace)
        stage = DedupStage(state)
        out: list[object] = []
        for item in copies[name]:
            barrier.wait()  # both instances decide their copy of story `index` at the same moment
            out.extend(stage.process([item]))
        results[name] = out
        state.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for index in range(rounds):
        pair = [results["left"][index], results["right"][index]]
        assert sum(isinstance(result, UniqueArticle) for result in pair) == 1
        duplicate = next(result for result in pair if isinstance(result, DuplicateArticle))
        assert duplicate.kind == "near"
