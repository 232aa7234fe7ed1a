"""Failure drills on the real broker: kill -9, SIGTERM and a rebalance mid-stream, with thousands of events in flight.

Each drill accounts for every raw event across enriched, duplicates and the DLQ: exactly once under
exactly-once delivery, at least once (none missing) under at-least-once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.bench.processes import StageProcess, free_port
from services.chassis.admin import create_topics
from services.settings import Settings
from services.topics import Topics
from tests.integration import harness

pytestmark = pytest.mark.integration

EVENTS = 2_000


@pytest.fixture
def drill(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> Iterator[tuple[list[bytes], list[str], list[StageProcess]]]:
    """Topics made, the stream published, and a list that the test fills with processes (all killed at the end)."""
    asyncio.run(create_topics(Settings(topic_prefix=topic_prefix), kafka_bootstrap, Topics(topic_prefix).all()))
    events = harness.drill_events(EVENTS)
    outputs = [f"{topic_prefix}articles.{name}" for name in ("enriched", "duplicates", "dlq")]
    processes: list[StageProcess] = []
    try:
        yield events, outputs, processes
    finally:
        for process in processes:
            process.close()


def _start(processes: list[StageProcess], environment: dict[str, str], log: Path, stage: str | None = None) -> StageProcess:
    process = StageProcess(environment, log, stage).start()
    processes.append(process)
    return process


def _ids(events: list[bytes]) -> set[str]:
    return {json.loads(event)["id"] for event in events}


@pytest.mark.parametrize("delivery", ["exactly-once", "at-least-once"])
def test_kill_9_mid_stream_then_restart_loses_nothing(
    drill: tuple[list[bytes], list[str], list[StageProcess]], kafka_bootstrap: str, topic_prefix: str, tmp_path: Path, delivery: str
) -> None:
    events, outputs, processes = drill
    environment = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path, delivery=delivery)
    first = _start(processes, environment, tmp_path / "first.log")
    first.wait_ready()
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", events))
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, outputs, EVENTS // 5, timeout_s=120))
    first.kill()

    _start(processes, environment, tmp_path / "second.log").wait_ready()
    isolation = "read_committed" if delivery == "exactly-once" else "read_uncommitted"
    accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, _ids(events), timeout_s=180, isolation=isolation))
    harness.report(f"kill -9 ({delivery})", EVENTS, accounting)
    assert accounting.missing(_ids(events)) == set()
    if delivery == "exactly-once":
        assert accounting.doubled() == {}


def test_sigterm_finishes_the_batch_leaves_in_bounded_time_and_restart_doubles_nothing(
    drill: tuple[list[bytes], list[str], list[StageProcess]], kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    events, outputs, processes = drill
    environment = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path)
    first = _start(processes, environment, tmp_path / "first.log")
    first.wait_ready()
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", events))
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, outputs, EVENTS // 5, timeout_s=120))
    code, took_s = first.terminate()
    assert code == 0
    assert took_s < 30

    _start(processes, environment, tmp_path / "second.log").wait_ready()
    accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, _ids(events), timeout_s=180))
    harness.report(f"SIGTERM (left in {took_s:.1f}s)", EVENTS, accounting)
    assert accounting.missing(_ids(events)) == set()
    assert accounting.doubled() == {}


def test_a_second_instance_joining_and_leaving_mid_stream_loses_and_doubles_nothing(
    drill: tuple[list[bytes], list[str], list[StageProcess]], kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    events, outputs, processes = drill
    # Clean and tag scale out; dedup keeps one instance (its state is in-process here).
    for stage in ("dedup", "tag"):
        env = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path, instance=f"{stage}-a")
        _start(processes, env, tmp_path / f"{stage}.log", stage).wait_ready()
    clean_a = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path, instance="clean-a")
    _start(processes, clean_a, tmp_path / "clean-a.log", "clean").wait_ready()
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", events))
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, outputs, EVENTS // 10, timeout_s=120))

    clean_b = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path, instance="clean-b")
    joiner = _start(processes, clean_b, tmp_path / "clean-b.log", "clean")
    joiner.wait_ready()
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, outputs, EVENTS // 2, timeout_s=120))
    code, _ = joiner.terminate()
    assert code == 0

    accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, _ids(events), timeout_s=180))
    harness.report("rebalance (clean instance joins, then leaves)", EVENTS, accounting)
    assert accounting.missing(_ids(events)) == set()
    assert accounting.doubled() == {}


def test_topics_command_is_idempotent(kafka_bootstrap: str, topic_prefix: str) -> None:
    environment = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), Path("/nonexistent"))
    runs = [
        subprocess.run(
            [sys.executable, "-m", "services.cli", "topics", "create"], env=environment, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert runs[0].stdout.count("created") == 6
    assert runs[1].stdout.count("exists") == 6


def test_an_instance_fenced_by_a_newer_one_with_its_id_stops_and_nothing_doubles(
    drill: tuple[list[bytes], list[str], list[StageProcess]], kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    events, _, processes = drill
    outputs = [f"{topic_prefix}articles.clean", f"{topic_prefix}articles.dlq"]
    old = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path, instance="same")
    zombie = _start(processes, old, tmp_path / "old.log", "clean")
    zombie.wait_ready()
    # A restarted instance that comes up while the old one still runs (a zombie): same instance id, same group.
    new = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path, instance="same")
    _start(processes, new, tmp_path / "new.log", "clean").wait_ready()
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", events))

    accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, _ids(events), timeout_s=180))
    harness.report("zombie fenced by a newer instance with its id", EVENTS, accounting)
    assert accounting.missing(_ids(events)) == set()
    assert accounting.doubled() == {}
    assert zombie.process is not None
    assert zombie.process.wait(timeout=60) == 1, "the fenced instance stops with an error instead of retrying"


def test_dedup_killed_mid_stream_remembers_what_it_saw_after_restart(
    drill: tuple[list[bytes], list[str], list[StageProcess]], kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    events, _, processes = drill
    originals = events[:300]
    copies = [json.dumps({**json.loads(event), "id": f"copy-{number}"}).encode() for number, event in enumerate(originals)]
    unique, duplicates = f"{topic_prefix}articles.unique", f"{topic_prefix}articles.duplicates"
    environment = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), tmp_path)
    first = _start(processes, environment, tmp_path / "first.log", "clean,dedup")
    first.wait_ready()
    # Originals first and all decided, so that "first seen" does not hang on how partitions interleave.
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", originals))
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, [unique], 300, timeout_s=120))
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", copies[:150]))
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, [duplicates], 50, timeout_s=120))
    first.kill()

    _start(processes, environment, tmp_path / "second.log", "clean,dedup").wait_ready()
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", copies[150:]))
    accounting = asyncio.run(harness.account(kafka_bootstrap, [unique, duplicates], _ids(originals + copies), timeout_s=120))
    harness.report("dedup kill -9 and restart (copies after the kill)", len(originals + copies), accounting)
    assert set(accounting.per_topic[duplicates]) == _ids(copies), "no copy passes as unique, before or after the restart"
    assert set(accounting.per_topic[unique]) == _ids(originals)
    assert accounting.doubled() == {}


def test_two_instances_of_each_stage_one_of_each_killed_mid_stream_lose_and_double_nothing(
    drill: tuple[list[bytes], list[str], list[StageProcess]], kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    events, outputs, processes = drill
    events = events[:600]
    instances: dict[tuple[str, str], StageProcess] = {}
    for stage in ("clean", "dedup", "tag"):
        for instance in ("a", "b"):
            state = tmp_path / f"{stage}-{instance}"  # each dedup instance keeps its own state file
            state.mkdir()
            env = harness.stage_environment(kafka_bootstrap, topic_prefix, free_port(), state, instance=f"{stage}-{instance}")
            # The killed instance's open transaction holds back read_committed readers until the broker aborts it.
            env["NEWSFLOW_TRANSACTION_TIMEOUT_MS"] = "10000"
            instances[stage, instance] = _start(processes, env, state / "run.log", stage)
    for process in instances.values():
        process.wait_ready()
    asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", events))
    asyncio.run(harness.wait_for_outputs(kafka_bootstrap, outputs, len(events) // 4, timeout_s=180))
    for stage in ("clean", "dedup", "tag"):
        instances[stage, "b"].kill()  # the group rebalances its partitions onto instance a

    accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, _ids(events), timeout_s=240))
    harness.report("two instances per stage, one of each killed mid-stream", len(events), accounting)
    assert accounting.missing(_ids(events)) == set()
    assert accounting.doubled() == {}
