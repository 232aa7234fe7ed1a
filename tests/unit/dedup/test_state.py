"""The in-process state: window expiry, replays, restarts and a crash."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from services.dedup import DedupStage, DedupState
from services.dedup.journal import Journal
from services.messages import CleanArticle, DuplicateArticle, UniqueArticle
from services.stage import Rejection
from tests.unit.dedup.conftest import article
from tests.unit.dedup.test_stage import OTHER, STORY


def _stream() -> list[CleanArticle]:
    edited = STORY.replace("next spring", "in the spring") + " Reporting by the city desk."
    return [
        article("a", STORY),
        article("b", OTHER, at=timedelta(hours=1)),
        article("c", edited, at=timedelta(hours=2)),
        article("d", STORY, at=timedelta(hours=3)),
        article("e", OTHER + " Updated.", at=timedelta(hours=4), url="https://news.example/chips"),
        article("f", "A different story entirely about the weather, rain and wind in the hills.", at=timedelta(hours=5)),
    ]


def _decisions(results: list[BaseModel | Rejection]) -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []
    for result in results:
        assert isinstance(result, UniqueArticle | DuplicateArticle)
        out.append((result.id, result.duplicate_of if isinstance(result, DuplicateArticle) else None, result.cluster_id))
    return out


def test_copy_outside_the_window_is_unique_and_old_fingerprints_are_dropped() -> None:
    state = DedupState.open(None)
    stage = DedupStage(state, window=timedelta(days=7))
    stage.process([article("a", STORY), article("x", OTHER, at=timedelta(days=1))])
    [late] = stage.process([article("b", STORY, at=timedelta(days=8))])
    assert isinstance(late, UniqueArticle)
    assert state.fingerprints == 2  # "a" expired; "x" and "b" remain


def test_copy_inside_the_window_is_a_duplicate_by_event_time() -> None:
    stage = DedupStage(DedupState.open(None), window=timedelta(days=7))
    results = stage.process([article("a", STORY), article("b", STORY, at=timedelta(days=6, hours=23))])
    assert isinstance(results[1], DuplicateArticle)


def test_replay_from_the_start_gives_identical_outputs_and_never_a_self_duplicate() -> None:
    stage = DedupStage(DedupState.open(None))
    stream = _stream()
    first = stage.process(stream)
    again = stage.process(stream)
    one_by_one = [result for item in stream for result in stage.process([item])]
    assert first == again == one_by_one
    assert all(not isinstance(result, DuplicateArticle) or result.duplicate_of != result.id for result in first)
    assert _decisions(first)[:4] == [("a", None, "a"), ("b", None, "b"), ("c", "a", "a"), ("d", "a", "a")]


def test_restart_keeps_decisions_and_fingerprints(tmp_path: Path) -> None:
    path = tmp_path / "dedup.state"
    stream = _stream()
    state = DedupState.open(path)
    before = DedupStage(state).process(stream)
    state.close()
    reopened = DedupState.open(path)
    stage = DedupStage(reopened)
    assert stage.process(stream) == before
    [copy] = stage.process([article("z", STORY, at=timedelta(hours=6))])
    assert isinstance(copy, DuplicateArticle)
    assert copy.cluster_id == "a"
    reopened.close()


def test_kill_without_close_loses_at_most_the_unflushed_decisions(tmp_path: Path) -> None:
    path = tmp_path / "dedup.state"
    state = DedupState.open(path, flush_every=2)
    DedupStage(state).process(_stream()[:3])  # two flushed, one pending; never closed, as after kill -9
    survivor = DedupState.open(path)
    assert survivor.decisions == 2
    [copy] = DedupStage(survivor).process([article("z", STORY, at=timedelta(hours=6))])
    assert isinstance(copy, DuplicateArticle)


def test_torn_last_journal_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "dedup.state"
    state = DedupState.open(path, flush_every=1)
    DedupStage(state).process(_stream()[:2])
    with path.with_name(path.name + ".journal").open("a", encoding="utf-8") as journal:
        journal.write('{"id":"torn"')
    assert DedupState.open(path).decisions == 2


def test_decisions_past_their_retention_are_forgotten() -> None:
    state = DedupState.open(None)
    stage = DedupStage(state, window=timedelta(days=1), decision_retention=timedelta(days=2))
    stage.process([article("a", STORY), article("b", STORY, at=timedelta(hours=1))])
    stage.process([article("later", OTHER, at=timedelta(days=3))])
    assert state.decisions == 1  # "a" and "b" fell out of the retention; their fingerprints went a day after them


def test_two_threads_sharing_one_state_never_pass_both_copies() -> None:
    state = DedupState.open(None)
    barrier = threading.Barrier(2)
    results: dict[str, list[BaseModel | Rejection]] = {}

    def run(name: str) -> None:
        stage = DedupStage(state)
        out: list[BaseModel | Rejection] = []
        for index in range(20):
            barrier.wait()
            out.extend(
                stage.process(
                    [article(f"{name}-{index}", f"Copy number {index}. {STORY}"[: 120 + index * 20], at=timedelta(days=index * 8))]
                )
            )
        results[name] = out

    threads = [threading.Thread(target=run, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for left, right in zip(results["left"], results["right"], strict=True):
        assert isinstance(left, UniqueArticle) != isinstance(right, UniqueArticle)


def test_a_long_journal_is_folded_into_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "dedup.state"
    state = DedupState(Journal(path, flush_every=1, compact_after=3))
    stage = DedupStage(state)
    stage.process(_stream())
    assert path.exists()
    assert DedupStage(DedupState.open(path)).process(_stream()) == stage.process(_stream())


def test_a_state_file_of_another_format_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "dedup.state"
    path.write_text('{"id":"a","st":"a"}\n', encoding="utf-8")  # a JSON-lines snapshot of an older version
    with pytest.raises(ValueError, match="not a dedup snapshot"):
        DedupState.open(path)
