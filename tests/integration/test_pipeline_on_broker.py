"""The whole pipeline as a user runs it: `newsflow run` on a real broker, seeds published with kcat."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

NEWSFLOW = [sys.executable, "-m", "services.cli"]


def _http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local test server
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout_s: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    last: bytes = b""
    while time.monotonic() < deadline:
        assert process.poll() is None, "newsflow run exited before it was ready"
        try:
            status, last = _http_get(f"http://127.0.0.1:{port}/readyz")
        except OSError:
            status = 0
        if status == 200:
            ready: dict[str, Any] = json.loads(last)
            return ready
        time.sleep(0.5)
    raise AssertionError(f"not ready after {timeout_s}s: {last!r}")


async def _collect(bootstrap: str, topics: list[str], expected: int, timeout_s: float = 120.0) -> dict[str, list[dict[str, Any]]]:
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", isolation_level="read_committed")
    await consumer.start()
    seen: dict[str, list[dict[str, Any]]] = {topic: [] for topic in topics}
    deadline = time.monotonic() + timeout_s
    try:
        while sum(map(len, seen.values())) < expected and time.monotonic() < deadline:
            for partition, records in (await consumer.getmany(timeout_ms=500)).items():
                seen[partition.topic].extend(json.loads(record.value) for record in records)
        # Anything beyond the expected count would be a double; give it a moment to show up.
        for partition, records in (await consumer.getmany(timeout_ms=2_000)).items():
            seen[partition.topic].extend(json.loads(record.value) for record in records)
    finally:
        await consumer.stop()
    return seen


@pytest.fixture
def running_pipeline(
    kafka_bootstrap: str, topic_prefix: str, free_port: int, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    environment = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "NEWSFLOW_TOPIC_PREFIX": topic_prefix,
        "NEWSFLOW_GROUP_PREFIX": f"{topic_prefix}group",
        "NEWSFLOW_HTTP_PORT": str(free_port),
        "NEWSFLOW_HTTP_HOST": "127.0.0.1",
        "NEWSFLOW_DEDUP_STATE_PATH": str(tmp_path / "dedup-state"),
        "NEWSFLOW_LOG_FORMAT": "json",
        "NEWSFLOW_LAG_INTERVAL_S": "0.5",
        "NEWSFLOW_TAG_WORKERS": "2",
    }
    created = subprocess.run([*NEWSFLOW, "topics", "create"], env=environment, check=False, cwd=REPO_ROOT, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    log_file = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen([*NEWSFLOW, "run"], env=environment, cwd=REPO_ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        yield process, free_port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log_file.close()


def test_every_seed_event_comes_out_once_and_the_service_stops_cleanly(
    kafka_bootstrap: str, topic_prefix: str, running_pipeline: tuple[subprocess.Popen[bytes], int], seeds_dir: Path
) -> None:
    process, port = running_pipeline
    ready = _wait_ready(port, process)
    assert ready["ready"] is True
    assert set(ready["checks"]) == {"broker", "partitions", "stages", "access", "advancing"}

    raw_topic = f"{topic_prefix}articles.raw"
    seed_files = sorted(seeds_dir.glob("*.jsonl"))
    sent = sum(len([line for line in path.read_bytes().splitlines() if line.strip()]) for path in seed_files)
    for path in seed_files:  # kcat, a real client as a crawler would use, one record per line
        subprocess.run(["kcat", "-P", "-b", kafka_bootstrap, "-t", raw_topic, "-l", str(path)], check=True)

    outputs = [f"{topic_prefix}articles.{name}" for name in ("enriched", "duplicates", "dlq")]
    seen = asyncio.run(_collect(kafka_bootstrap, outputs, sent))
    enriched, duplicates, dead = (seen[topic] for topic in outputs)
    assert len(enriched) + len(duplicates) + len(dead) == sent, "every raw event is accounted for exactly once"
    assert Counter(letter["reason"] for letter in dead) == Counter(
        {"empty_body": 1, "missing_body": 1, "wrong_shape": 1, "invalid_json": 1, "not_utf8": 1, "undecodable": 1}
    )
    # Which copy is first-seen depends on how partitions interleave: check the stories, not the order.
    clusters = {a["id"]: a["cluster_id"] for a in enriched} | {d["id"]: d["cluster_id"] for d in duplicates}
    url_copy = next(article for article in clusters if article.startswith("url-"))
    for story in ({"coastal-breakwater", "coastal-breakwater-mirror"}, {"larkfield-cycle-lanes", "aggregator-larkfield-cycle", url_copy}):
        assert len({clusters[member] for member in story}) == 1, story
        assert sum(a["id"] in story for a in enriched) == 1, story
    # The same id and body sent twice is a resend: published once, the second event on duplicates as a
    # resend of the story it belongs to. Every other duplicate names another article.
    assert [a["id"] for a in enriched].count("northern-lines-holiday") == 1
    [resend] = [d for d in duplicates if d["id"] == "northern-lines-holiday"]
    assert (resend["kind"], resend["duplicate_of"]) == ("resend", "northern-lines-holiday")
    assert all(d["id"] != d["duplicate_of"] for d in duplicates if d["kind"] != "resend")

    [lavrov] = [a for a in enriched if a["id"] == "daily8-lavrov-kursk"]
    assert lavrov["canonical_url"] == "https://daily8.example/news/lavrov-thanks-north-korean-soldiers"
    assert set(lavrov["stage_times"]) == {"clean", "dedup", "tag"}
    assert lavrov["lineage"]["topic"] == f"{topic_prefix}articles.unique"

    status, metrics_page = _http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    assert b'newsflow_messages_consumed_total{stage="clean"}' in metrics_page
    assert f'newsflow_consumer_lag_records{{partition="0",stage="tag",topic="{topic_prefix}articles.unique"}}'.encode() in metrics_page
    assert b'newsflow_event_freshness_seconds_count{reference="fetched",stage="tag"}' in metrics_page
    assert b"newsflow_dedup_state_fingerprints " in metrics_page
    promtool = subprocess.run(["promtool", "check", "metrics"], input=metrics_page, capture_output=True, check=False)
    assert promtool.returncode == 0, promtool.stderr.decode() + promtool.stdout.decode()

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
