"""What the failure drills share: a stream of distinct events, stage processes to start and kill, and an accountant."""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from services.bench import processes

_SUBJECTS = [
    "council",
    "museum",
    "harbour",
    "railway",
    "school",
    "hospital",
    "bakery",
    "library",
    "orchestra",
    "brewery",
    "airport",
    "university",
]
_PLACES = [
    "Elsmere",
    "Larkfield",
    "Coldwater",
    "Hartsbridge",
    "Valbonne",
    "Lindenau",
    "Marlow",
    "Brackley",
    "Oakham",
    "Tenbury",
    "Wexcombe",
    "Ashby",
]
_VERBS = [
    "approved",
    "delayed",
    "announced",
    "rejected",
    "expanded",
    "reviewed",
    "funded",
    "opened",
    "closed",
    "renamed",
    "relocated",
    "audited",
]
_THINGS = [
    "budget",
    "plan",
    "timetable",
    "contract",
    "extension",
    "survey",
    "partnership",
    "programme",
    "tender",
    "lease",
    "inquiry",
    "festival",
]


def drill_events(count: int, *, seed: int = 7, prefix: str = "drill") -> list[bytes]:
    """Raw events with distinct ids and bodies different enough that none is a near duplicate of another."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible test stream, not a secret
    events = []
    for number in range(count):
        sentences = [
            f"The {rng.choice(_SUBJECTS)} of {rng.choice(_PLACES)} {rng.choice(_VERBS)} its {rng.choice(_THINGS)} "
            f"on day {rng.randint(1, 9999)} after {rng.randint(2, 999)} residents wrote to the {rng.choice(_SUBJECTS)}."
            for _ in range(4)
        ]
        text = f"Report {number} from {rng.choice(_PLACES)}\n" + " ".join(sentences)
        event = {"id": f"{prefix}-{number}", "fetched_at": "2026-11-20T08:00:00Z", "source": "Drill Wire", "text": text}
        events.append(json.dumps(event).encode())
    return events


async def produce(bootstrap: str, topic: str, values: list[bytes], *, max_request_size: int = 1024 * 1024) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, max_request_size=max_request_size)
    await producer.start()
    try:
        pending = [await producer.send(topic, value, key=json.loads(value).get("id", "").encode() or None) for value in values]
        for future in pending:
            await future
    finally:
        await producer.stop()


@dataclass
class Accounting:
    """How often each article id came out on each output topic."""

    per_topic: dict[str, Counter[str]] = field(default_factory=dict)

    def total(self) -> Counter[str]:
        combined: Counter[str] = Counter()
        for counts in self.per_topic.values():
            combined.update(counts)
        return combined

    def missing(self, ids: set[str]) -> set[str]:
        return ids - set(self.total())

    def doubled(self) -> dict[str, int]:
        return {article: seen for article, seen in self.total().items() if seen > 1}


async def account(bootstrap: str, topics: list[str], ids: set[str], *, timeout_s: float, isolation: str = "read_committed") -> Accounting:
    """Read the outputs from the start until every id is seen (or time runs out), then a little longer for doubles."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", isolation_level=isolation, enable_auto_commit=False
    )
    await consumer.start()
    result = Accounting({topic: Counter() for topic in topics})
    deadline = time.monotonic() + timeout_s
    try:
        while result.missing(ids) and time.monotonic() < deadline:
            await _drain(consumer, result, timeout_ms=500)
        await _drain(consumer, result, timeout_ms=3_000)
    finally:
        await consumer.stop()
    return result


async def _drain(consumer: AIOKafkaConsumer, result: Accounting, *, timeout_ms: int) -> None:
    for partition, records in (await consumer.getmany(timeout_ms=timeout_ms, max_records=5_000)).items():
        for record in records:
            # Every output is keyed by article id; a dead letter whose value was unreadable keeps its original key.
            result.per_topic[partition.topic][record.key.decode("utf-8")] += 1


async def wait_for_outputs(bootstrap: str, topics: list[str], at_least: int, *, timeout_s: float, partitions_per_topic: int = 3) -> int:
    """Wait until the topics hold at least so many records, committed or not: how far the stages have got."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    deadline = time.monotonic() + timeout_s
    seen = 0
    try:
        partitions = [TopicPartition(topic, number) for topic in topics for number in range(partitions_per_topic)]
        consumer.assign(partitions)
        while time.monotonic() < deadline:
            seen = int(sum((await consumer.end_offsets(partitions)).values()))
            if seen >= at_least:
                return seen
            await asyncio.sleep(0.2)
    finally:
        await consumer.stop()
    raise AssertionError(f"only {seen} outputs after {timeout_s}s, wanted {at_least}")


def report(drill: str, sent: int, accounting: Accounting) -> None:
    """One JSON line per drill on stderr: events sent, accounted for, and doubles seen."""
    total = accounting.total()
    line = {"drill": drill, "sent": sent, "accounted": len(total), "doubles": len(accounting.doubled()), "outputs": sum(total.values())}
    sys.stderr.write(json.dumps(line) + "\n")


def peak_rss_mb(process: processes.StageProcess) -> float:
    """Peak resident memory of a running stage process (VmHWM), in MB."""
    assert process.process is not None
    peak = processes.peak_rss_mb(process.process.pid)
    assert peak is not None, "the stage process is gone"
    return peak


def stage_environment(
    bootstrap: str, prefix: str, port: int, state_dir: Path, *, delivery: str = "exactly-once", instance: str = "a"
) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSFLOW_TOPIC_PREFIX": prefix,
        "NEWSFLOW_GROUP_PREFIX": f"{prefix}group",
        "NEWSFLOW_HTTP_PORT": str(port),
        "NEWSFLOW_HTTP_HOST": "127.0.0.1",
        "NEWSFLOW_DEDUP_STATE_PATH": str(state_dir / "dedup-state"),
        "NEWSFLOW_DELIVERY": delivery,
        "NEWSFLOW_INSTANCE_ID": instance,
        "NEWSFLOW_LOG_FORMAT": "json",
        "NEWSFLOW_LOG_LEVEL": "warning",
        "NEWSFLOW_RETRY_BACKOFF_S": "0.5",
        "NEWSFLOW_BATCH_MAX_RECORDS": "64",
    }
