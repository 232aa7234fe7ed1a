"""`newsflow replay` on a real broker: deterministic outputs, bounds in offsets and time, resume after a kill."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from services.chassis.admin import create_topics
from services.chassis.history import read_topic
from services.ops.produce import produce_lines
from services.settings import Settings
from services.topics import Topics
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


def newsflow_command() -> list[str]:
    return [sys.executable, "-m", "services.cli"]


def environment(bootstrap: str, prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSFLOW_TOPIC_PREFIX": prefix,
        "NEWSFLOW_GROUP_PREFIX": f"{prefix}group",
        "NEWSFLOW_LOG_FORMAT": "json",
    }


def newsflow(bootstrap: str, prefix: str, *args: str, timeout_s: float = 60.0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*newsflow_command(), *args],
        env=environment(bootstrap, prefix),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def generated_events(count: int, start: int = 0) -> list[bytes]:
    """Plain-text articles distinct enough not to be near duplicates of each other."""
    words = ["harbour", "council", "turbine", "orchard", "museum", "railway", "library", "festival", "bridge", "clinic", "school", "market"]
    events = []
    for n in range(start, start + count):
        topic = words[n % len(words)]
        text = "\n\n".join(
            f"Paragraph {p} of report {n}: the {topic} committee in town number {n * 7 + p} met on day {p + n} "
            f"and agreed that the {words[(n + p) % len(words)]} plan needs {n + p * 3} more volunteers before spring."
            for p in range(4)
        )
        event = {"id": f"gen-{n}", "url": f"https://example.org/gen/{n}", "fetched_at": "2026-11-20T08:00:00Z", "title": f"Report {n}"}
        events.append(json.dumps({**event, "text": text}).encode())
    return events


def seed_lines(seeds_dir: Path) -> list[bytes]:
    return [line for path in sorted(seeds_dir.glob("*.jsonl")) for line in path.read_bytes().splitlines() if line.strip()]


async def publish_raw(settings: Settings, bootstrap: str, lines: list[bytes]) -> str:
    topics = Topics(settings.topic_prefix)
    await create_topics(settings, bootstrap, topics.all())
    topic = topics.input_of("clean")
    await produce_lines(settings, bootstrap, topic, lines)
    return topic


def normalised(value: bytes, version: str) -> dict[str, Any]:
    """A record without what may differ between replays: when it was processed, and the version in topic names."""
    record: dict[str, Any] = json.loads(value)
    record.pop("failed_at", None)
    if "stage_times" in record:
        record["stage_times"] = sorted(record["stage_times"])  # which stages ran, not when
    if isinstance(record.get("lineage"), dict):
        record["lineage"]["topic"] = record["lineage"]["topic"].removesuffix(f".{version}")
    if "original_value" in record:  # a record handed on in process carries its stage times inside
        original = base64.b64decode(record["original_value"])
        with contextlib.suppress(ValueError):  # bytes that are not JSON are compared as they are
            record["original_value"] = normalised(original, version)
    return record


async def outputs(settings: Settings, bootstrap: str, bases: list[str], version: str) -> dict[str, list[tuple[str, str]]]:
    """Per output topic (base name), the sorted (key, normalised value) pairs of every committed record."""
    prefix = settings.topic_prefix
    found = {}
    for base in bases:
        records = await read_topic(settings, bootstrap, f"{prefix}{base}.{version}")
        found[base] = sorted(
            ((record.key or b"").decode(), json.dumps(normalised(record.value, version), sort_keys=True)) for record in records
        )
    return found


def latest_by_key(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return dict(pairs)


def test_replaying_the_same_raw_records_twice_gives_identical_clean_outputs(
    kafka_bootstrap: str, topic_prefix: str, seeds_dir: Path
) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    lines = seed_lines(seeds_dir) + generated_events(12)
    asyncio.run(publish_raw(settings, kafka_bootstrap, lines))

    first = newsflow(kafka_bootstrap, topic_prefix, "replay", "--topic", "articles.raw", "--from", "beginning", "--output-version", "v1")
    newsflow(kafka_bootstrap, topic_prefix, "replay", "--topic", "articles.raw", "--from", "beginning", "--output-version", "v2")
    assert f"replayed {len(lines)} records of {topic_prefix}articles.raw through clean" in first.stdout
    progress = [json.loads(line) for line in first.stderr.splitlines() if '"progress_done"' in line]
    assert progress, first.stderr
    assert progress[-1]["done"] == progress[-1]["total"] == len(lines)

    bases = ["articles.clean", "articles.dlq"]
    v1 = asyncio.run(outputs(settings, kafka_bootstrap, bases, "v1"))
    v2 = asyncio.run(outputs(settings, kafka_bootstrap, bases, "v2"))
    assert sum(map(len, v1.values())) == len(lines), "one output per raw record"
    assert len(v1["articles.clean"]) >= 20
    assert {json.loads(value)["reason"] for _, value in v1["articles.dlq"]} >= {"invalid_json", "not_utf8", "empty_body"}
    for base in bases:
        assert v1[base] == v2[base], f"{base}: the two replays differ"
        assert latest_by_key(v1[base]) == latest_by_key(v2[base])


@pytest.mark.timeout(120)
def test_replaying_through_tag_twice_gives_identical_outputs_on_every_topic(
    kafka_bootstrap: str, topic_prefix: str, seeds_dir: Path
) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    lines = seed_lines(seeds_dir) + generated_events(6)
    asyncio.run(publish_raw(settings, kafka_bootstrap, lines))

    for version in ("t1", "t2"):
        newsflow(kafka_bootstrap, topic_prefix, "replay", "--topic", "articles.raw", "--through", "tag", "--output-version", version)

    bases = ["articles.clean", "articles.unique", "articles.duplicates", "articles.enriched", "articles.dlq"]
    t1 = asyncio.run(outputs(settings, kafka_bootstrap, bases, "t1"))
    t2 = asyncio.run(outputs(settings, kafka_bootstrap, bases, "t2"))
    assert len(t1["articles.enriched"]) + len(t1["articles.duplicates"]) + len(t1["articles.dlq"]) == len(lines)
    enriched = {key: json.loads(value) for key, value in t1["articles.enriched"]}
    assert enriched["daily8-lavrov-kursk"]["stage_times"] == ["clean", "dedup", "tag"]
    assert enriched["daily8-lavrov-kursk"]["entities"], "the tag stage ran"
    assert {(json.loads(v)["duplicate_of"], key) for key, v in t1["articles.duplicates"]} >= {
        ("coastal-breakwater", "coastal-breakwater-mirror")
    }
    for base in bases:
        assert t1[base] == t2[base], f"{base}: the two replays differ"


async def _publish_at(settings: Settings, bootstrap: str, topic: str, per_partition: int, times_ms: list[int]) -> None:
    await create_topics(settings, bootstrap, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        events = iter(generated_events(per_partition * settings.topic_partitions))
        for partition in range(settings.topic_partitions):
            for n in range(per_partition):
                await producer.send_and_wait(topic, next(events), partition=partition, timestamp_ms=times_ms[n])
    finally:
        await producer.stop()


async def _source_offsets(settings: Settings, bootstrap: str, version: str) -> Counter[tuple[int, int]]:
    prefix = settings.topic_prefix
    found: Counter[tuple[int, int]] = Counter()
    for base in ("articles.clean", "articles.dlq"):
        for record in await read_topic(settings, bootstrap, f"{prefix}{base}.{version}"):
            lineage = json.loads(record.value)["lineage"]
            found[lineage["partition"], lineage["offset"]] += 1
    return found


def test_from_and_to_take_offsets_and_times_in_every_partition(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    raw = Topics(topic_prefix).input_of("clean")
    t0, t1 = 1_790_000_000_000, 1_790_003_600_000  # an hour apart
    asyncio.run(_publish_at(settings, kafka_bootstrap, raw, 6, [t0, t0, t0, t1, t1, t1]))
    at_t1 = datetime.fromtimestamp(t1 / 1000, UTC).isoformat()

    cases = {"a": ("--from", at_t1), "b": ("--from", "1", "--to", "4"), "c": ("--from", "beginning", "--to", at_t1)}
    for version, bounds in cases.items():
        newsflow(kafka_bootstrap, topic_prefix, "replay", "--topic", "articles.raw", *bounds, "--output-version", version)
    partitions = range(settings.topic_partitions)
    assert asyncio.run(_source_offsets(settings, kafka_bootstrap, "a")) == Counter({(p, o): 1 for p in partitions for o in (3, 4, 5)})
    assert asyncio.run(_source_offsets(settings, kafka_bootstrap, "b")) == Counter({(p, o): 1 for p in partitions for o in (1, 2, 3)})
    assert asyncio.run(_source_offsets(settings, kafka_bootstrap, "c")) == Counter({(p, o): 1 for p in partitions for o in (0, 1, 2)})


async def _committed(bootstrap: str, group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sum(meta.offset for meta in (await admin.list_consumer_group_offsets(group)).values() if meta.offset > 0)
    finally:
        await admin.close()


def test_a_killed_replay_resumes_and_every_record_comes_out_exactly_once(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    lines = generated_events(60)
    asyncio.run(publish_raw(settings, kafka_bootstrap, lines))
    arguments = ["replay", "--topic", "articles.raw", "--output-version", "v1", "--group", "killed", "--batch-size", "4"]
    log = (tmp_path / "replay.log").open("wb")
    process = subprocess.Popen(
        [*newsflow_command(), *arguments, "--rate", "12"],
        env=environment(kafka_bootstrap, topic_prefix),
        cwd=REPO_ROOT,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while asyncio.run(_committed(kafka_bootstrap, f"{topic_prefix}group.replay.clean.killed")) < 12:
            assert process.poll() is None, (tmp_path / "replay.log").read_text()
            assert time.monotonic() < deadline, "the replay made no progress"
            time.sleep(0.2)
        process.send_signal(signal.SIGKILL)  # mid-replay, most likely mid-transaction
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
    partial = asyncio.run(_source_offsets(settings, kafka_bootstrap, "v1"))
    assert 12 <= sum(partial.values()) < len(lines)
    assert set(partial.values()) == {1}

    asyncio.run(publish_raw(settings, kafka_bootstrap, generated_events(5, start=100)))  # after the start: beyond the replay's bounds
    resumed = newsflow(kafka_bootstrap, topic_prefix, *arguments, "--resume")
    assert f"replayed {len(lines) - sum(partial.values())} records" in resumed.stdout
    found = asyncio.run(_source_offsets(settings, kafka_bootstrap, "v1"))
    assert sum(found.values()) == len(lines), "the resumed replay stops where the first run would have, not at the new end"
    assert set(found.values()) == {1}, "no record is written twice, none is lost"
