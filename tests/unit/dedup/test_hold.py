"""Held verdicts: journalled before the offsets are committed, released again until their delivery is confirmed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry

from services.chassis.chain import Step, run_chain
from services.chassis.envelope import Inbound
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.dedup import DedupStage, DedupState
from services.messages import DuplicateArticle, Lineage, UniqueArticle
from services.stage import Held
from services.topics import Topics
from tests.conftest import REPO_ROOT
from tests.unit.dedup.conftest import article
from tests.unit.dedup.test_stage import OTHER, STORY

GRACE = timedelta(hours=2)


def _stage(tmp_path: Path) -> tuple[DedupStage, DedupState]:
    state = DedupState.open(tmp_path / "dedup", flush_every=1)
    return DedupStage(state, grace=GRACE, hold_path=tmp_path / "dedup.held"), state


def _at(offset: int) -> Lineage:
    return Lineage(topic="articles.clean", partition=0, offset=offset)


def test_a_held_verdict_survives_a_kill_after_its_offset_was_committed(tmp_path: Path) -> None:
    stage, _ = _stage(tmp_path)
    mirror = article("mirror", STORY, at=timedelta(minutes=74))
    assert stage.process_at([mirror], [_at(7)]) == [Held()]
    stage.checkpoint()  # the chassis commits offset 7 after this: the verdict is not published yet
    restarted, _ = _stage(tmp_path)  # kill -9: nothing closed
    assert restarted.held == 1
    assert restarted.process_at([article("original", STORY)], [_at(8)]) == [Held()]
    out = restarted.process_at([article("news", OTHER, at=timedelta(hours=4))], [_at(9)])
    released = {result.id: result for result in restarted.release() if isinstance(result, UniqueArticle | DuplicateArticle)}
    assert out == [Held()]
    assert isinstance(released["original"], UniqueArticle)
    mirrored = released["mirror"]
    assert isinstance(mirrored, DuplicateArticle)
    assert (mirrored.duplicate_of, mirrored.lineage) == ("original", _at(7))  # lineage: where it was consumed


def test_a_release_whose_batch_was_not_delivered_is_released_again_with_the_same_verdict(tmp_path: Path) -> None:
    stage, _ = _stage(tmp_path)
    stage.process_at([article("a", STORY)], [_at(1)])
    stage.checkpoint()
    stage.process_at([article("b", OTHER, at=timedelta(hours=3))], [_at(2)])
    [first] = stage.release()
    stage.checkpoint()  # then the transaction fails, or the process is killed before it commits
    restarted, _ = _stage(tmp_path)
    restarted.process_at([article("b", OTHER, at=timedelta(hours=3))], [_at(2)])  # the batch again
    [again] = restarted.release()
    assert again == first
    restarted.delivered()
    restarted.checkpoint()
    after_delivery, _ = _stage(tmp_path)
    assert after_delivery.held == 1  # only "b" still waits; "a" was delivered
    assert after_delivery.release() == []


def test_a_failed_batch_in_the_same_process_releases_its_verdicts_again(tmp_path: Path) -> None:
    stage, _ = _stage(tmp_path)
    stage.process_at([article("a", STORY)], [_at(1)])
    batch = [article("b", OTHER, at=timedelta(hours=3))]
    stage.process_at(batch, [_at(2)])
    first = stage.release()
    stage.process_at(batch, [_at(2)])  # delivery failed: the chassis runs the batch again, no delivered() in between
    assert stage.release() == first
    stage.delivered()
    stage.process_at(batch, [_at(2)])
    assert stage.release() == []


def test_the_runner_publishes_held_verdicts_later_and_drains_at_the_end(tmp_path: Path) -> None:
    stage = DedupStage(DedupState.open(None), grace=GRACE)
    runner = StageRunner(stage, Topics(""), Metrics(CollectorRegistry()), max_payload_bytes=100_000, require_key=True)

    def inbound(offset: int, article_id: str, body: str, minutes: int) -> Inbound:
        value = article(article_id, body, at=timedelta(minutes=minutes)).model_dump_json().encode()
        return Inbound(article_id.encode(), value, _at(offset))

    assert runner.run_batch([inbound(1, "mirror", STORY, 74), inbound(2, "original", STORY, 0)]) == []
    later = runner.run_batch([inbound(3, "news", OTHER, 300)])
    assert {(out.topic, out.key, out.value.lineage.offset) for out in later} == {  # type: ignore[attr-defined]
        ("articles.unique", "original", 2),
        ("articles.duplicates", "mirror", 1),
    }
    runner.delivered()
    [last] = runner.run_batch([], drain=True)
    assert (last.topic, last.key) == ("articles.unique", "news")


def test_process_flushes_held_verdicts_at_the_end_of_input() -> None:
    """`newsflow process` with a day of grace: every verdict is held, and all of them come out at the end."""
    events = [{"id": f"x{index}", "fetched_at": f"2026-03-01T12:0{index}:00Z", "text": STORY if index % 2 else OTHER} for index in range(4)]
    completed = subprocess.run(
        [sys.executable, "-m", "services.cli", "process", "--stages", "dedup"],
        input="".join(json.dumps(event) + "\n" for event in events).encode(),
        capture_output=True,
        check=True,
        cwd=REPO_ROOT,
        env={"NEWSFLOW_LOG_LEVEL": "warning", "NEWSFLOW_DEDUP_GRACE": "P1D", "PATH": ""},
    )
    published = [json.loads(line) for line in completed.stdout.splitlines()]
    assert sorted((line["topic"], line["key"], line["value"].get("duplicate_of")) for line in published) == [
        ("articles.duplicates", "x2", "x0"),
        ("articles.duplicates", "x3", "x1"),
        ("articles.unique", "x0", None),
        ("articles.unique", "x1", None),
    ]


def test_a_replay_chain_publishes_held_verdicts_at_its_end(tmp_path: Path) -> None:
    stage = DedupStage(DedupState.open(None), grace=GRACE)
    runner = StageRunner(stage, Topics(""), Metrics(CollectorRegistry()), max_payload_bytes=100_000, require_key=True)
    batch = [
        Inbound(b"mirror", article("mirror", STORY, at=timedelta(minutes=74)).model_dump_json().encode(), _at(1)),
        Inbound(b"original", article("original", STORY).model_dump_json().encode(), _at(2)),
    ]
    assert run_chain([Step(runner)], batch) == []
    drained = run_chain([Step(runner)], [], drain=True)
    assert {(out.topic, out.key) for out in drained} == {("articles.unique", "original"), ("articles.duplicates", "mirror")}


def test_a_state_opened_read_only_never_writes_its_files(tmp_path: Path) -> None:
    path = tmp_path / "dedup"
    live = DedupState.open(path, flush_every=1)
    DedupStage(live).process([article("a", STORY)])
    live.flush()
    before = {file.name: file.read_bytes() for file in tmp_path.iterdir()}
    replaying = DedupState.open(path, read_only=True)
    [again] = DedupStage(replaying).process([article("a", STORY)])
    [fresh] = DedupStage(replaying).process([article("b", STORY, at=timedelta(minutes=5))])
    replaying.close()
    assert isinstance(again, UniqueArticle)
    assert isinstance(fresh, DuplicateArticle)
    assert {file.name: file.read_bytes() for file in tmp_path.iterdir()} == before
