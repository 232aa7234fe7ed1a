"""Drills that need a broker of their own: stopping it mid-stream, and a flood of 5 MB articles."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.bench.processes import StageProcess, free_port
from services.chassis.admin import create_topics
from services.ops.local_broker import LOCAL_KAFKA_SCRIPT, ensure_bootstrap
from services.settings import Settings
from services.topics import Topics
from tests.integration import harness

pytestmark = pytest.mark.integration

OWN_PORT = 19192


def _broker(command: str) -> None:
    # A loaded machine may take over the script's default 90 s to bring a broker back.
    environment = {**os.environ, "NEWSFLOW_LOCAL_KAFKA_PORT": str(OWN_PORT), "NEWSFLOW_KAFKA_START_TIMEOUT": "240"}
    subprocess.run(["bash", str(LOCAL_KAFKA_SCRIPT), command], env=environment, check=True, capture_output=True)


@pytest.fixture
def own_broker() -> Iterator[str]:
    """A broker only this test uses, so stopping it disturbs no other test; stopped at the end."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.skip("these drills stop and start the project's local broker; a configured cluster is not ours to stop")
    bootstrap = ensure_bootstrap(Settings(local_kafka_port=OWN_PORT))
    try:
        yield bootstrap
    finally:
        _broker("stop")


def _ids(events: list[bytes]) -> set[str]:
    return {json.loads(event)["id"] for event in events}


def _log_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


@pytest.mark.timeout(600)
def test_a_30_s_broker_outage_longer_than_the_transaction_timeout_loses_nothing_and_logs_a_few_json_lines(
    own_broker: str, topic_prefix: str, tmp_path: Path
) -> None:
    asyncio.run(create_topics(Settings(topic_prefix=topic_prefix), own_broker, Topics(topic_prefix).all()))
    events = harness.drill_events(1_000, seed=11)
    outputs = [f"{topic_prefix}articles.{name}" for name in ("enriched", "duplicates", "dlq")]
    environment = harness.stage_environment(own_broker, topic_prefix, free_port(), tmp_path)
    # Transactions open when the broker went away time out on it (10 s) long before it comes back (30 s).
    environment["NEWSFLOW_TRANSACTION_TIMEOUT_MS"] = "10000"
    log_path = tmp_path / "run.log"
    process = StageProcess(environment, log_path).start()
    try:
        process.wait_ready()
        asyncio.run(harness.produce(own_broker, f"{topic_prefix}articles.raw", events))
        asyncio.run(harness.wait_for_outputs(own_broker, outputs, 200, timeout_s=120))
        before = len(_log_lines(log_path))
        _broker("stop")
        time.sleep(30)
        _broker("start")
        assert process.process is not None
        assert process.process.poll() is None, "the service must ride out the broker's absence"
        accounting = asyncio.run(harness.account(own_broker, outputs, _ids(events), timeout_s=240))
        during = _log_lines(log_path)[before:]
    finally:
        process.close()
    harness.report(f"30 s broker outage, 10 s transaction timeout ({len(during)} log lines)", len(events), accounting)
    assert accounting.missing(_ids(events)) == set()
    assert accounting.doubled() == {}
    # One process, three stages: a few lines per kind of error, not one per reconnect attempt.
    assert len(during) <= 60, "\n".join(during)
    for line in during:
        json.loads(line)  # every line, aiokafka's included, is JSON


def _huge_event(number: int, size: int) -> bytes:
    paragraph = "The committee met again to discuss the long report on the harbour works and its costs. " * 40
    body = "\n".join(paragraph for _ in range(size // len(paragraph) + 1))[:size]
    return json.dumps({"id": f"huge-{number}", "fetched_at": "2026-11-20T08:00:00Z", "text": body}).encode()


def test_a_flood_of_5_mb_articles_keeps_memory_bounded(own_broker: str, topic_prefix: str, tmp_path: Path) -> None:
    asyncio.run(create_topics(Settings(topic_prefix=topic_prefix), own_broker, Topics(topic_prefix).all()))
    # Mostly just over the 5 MB limit (dead-lettered), some large but under it (cleaned): over 100 MB in all.
    events = [_huge_event(number, 5_300_000 if number % 4 else 1_000_000) for number in range(24)]
    outputs = [f"{topic_prefix}articles.{name}" for name in ("clean", "dlq")]
    environment = harness.stage_environment(own_broker, topic_prefix, free_port(), tmp_path)
    environment["NEWSFLOW_FETCH_MAX_BYTES"] = str(16 * 1024 * 1024)
    process = StageProcess(environment, tmp_path / "run.log", stage="clean").start()
    try:
        process.wait_ready()
        asyncio.run(harness.produce(own_broker, f"{topic_prefix}articles.raw", events, max_request_size=8 * 1024 * 1024))
        accounting = asyncio.run(harness.account(own_broker, outputs, _ids(events), timeout_s=240))
        peak_mb = harness.peak_rss_mb(process)
    finally:
        process.close()
    harness.report(f"flood of 5 MB articles (peak RSS {peak_mb:.0f} MB)", len(events), accounting)
    assert accounting.missing(_ids(events)) == set()
    assert accounting.per_topic[f"{topic_prefix}articles.dlq"].total() >= 18
    # Over 100 MB went through; the process held a bounded slice of it at a time.
    assert peak_mb < 1_200
