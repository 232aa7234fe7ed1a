"""Delivery drills on the real broker: no record stalls a partition, and an idle exactly-once stage reports no lag.

Each drill prints one JSON line of figures (events sent, accounted for, doubled) on stderr.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel

from services.article_hooks import ArticleHooks
from services.bench.processes import StageProcess, free_port
from services.chassis.admin import create_topics
from services.chassis.history import Record, read_topic
from services.chassis.kafka import make_broker
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.chassis.service import StageService
from services.messages import CleanArticle, RawArticle
from services.passthrough import RawAsClean
from services.settings import Settings
from services.stage import Rejection
from services.topics import Topics
from tests.integration import harness

pytestmark = pytest.mark.integration

MB = 1024 * 1024


def _event(event_id: str, size: int) -> bytes:
    paragraph = "The harbour board met again about the long report on the works and what they cost the town. " * 20
    body = "\n".join(paragraph for _ in range(size // len(paragraph) + 1))[:size]
    return json.dumps({"id": event_id, "fetched_at": "2026-11-20T08:00:00Z", "text": body}).encode()


def _metrics(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def _raw_topic_taking(bootstrap: str, topic: str, max_bytes: int) -> None:
    """The raw topic as a crawler's cluster may have it: accepting records larger than newsflow's limit."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(topic, num_partitions=1, replication_factor=1, topic_configs={"max.message.bytes": str(max_bytes)})]
        )
    finally:
        await admin.close()


async def _send_in_order(bootstrap: str, topic: str, records: Sequence[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=32 * MB)
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, value, key=key, partition=0)
    finally:
        await producer.stop()


def test_6_and_20_mb_raw_events_between_good_ones_are_dead_lettered_within_the_limit_and_the_partition_flows(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    topics = Topics(topic_prefix)
    asyncio.run(_raw_topic_taking(kafka_bootstrap, topics.name("articles.raw"), 30 * MB))
    asyncio.run(create_topics(Settings(topic_prefix=topic_prefix), kafka_bootstrap, topics.all()))
    good = harness.drill_events(30, seed=21)
    huge = {"six-mb": _event("six-mb", int(6.2 * MB)), "twenty-mb": _event("twenty-mb", 20 * MB)}
    # One partition: everything after a huge record queues behind it, as in the field report.
    records = [
        *((str(n).encode(), value) for n, value in enumerate(good[:10])),
        (b"six-mb", huge["six-mb"]),
        (b"empty", b""),
        *((str(n).encode(), value) for n, value in enumerate(good[10:20], start=10)),
        (b"twenty-mb", huge["twenty-mb"]),
        *((str(n).encode(), value) for n, value in enumerate(good[20:], start=20)),
    ]
    port = free_port()
    environment = harness.stage_environment(kafka_bootstrap, topic_prefix, port, tmp_path)
    process = StageProcess(environment, tmp_path / "run.log", stage="clean").start()
    try:
        process.wait_ready()
        asyncio.run(_send_in_order(kafka_bootstrap, topics.name("articles.raw"), records))
        good_ids = {json.loads(value)["id"] for value in good}
        outputs = [topics.name("articles.clean"), topics.name("articles.dlq")]
        accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, good_ids | {"six-mb", "twenty-mb", "empty"}, timeout_s=180))
        counters = _metrics(port)
    finally:
        process.close()
    harness.report("6 MB and 20 MB raw events on one partition", len(records), accounting)
    assert accounting.missing(good_ids) == set(), "every good event after the huge ones arrives"
    assert accounting.doubled() == {}
    letters = {
        json.loads(record.value)["article_id"] or (record.key or b"").decode(): record for record in _read(kafka_bootstrap, outputs[1])
    }
    limit = Settings().max_message_bytes
    for key, original in huge.items():
        letter = json.loads(letters[key].value)
        assert letter["reason"] == "payload_too_large"
        assert len(letters[key].value) < limit, "the dead letter itself fits under the message limit"
        assert letter["original_size"] == len(original)
        assert letter["original_sha256"] == hashlib.sha256(original).hexdigest()
        assert letter["original_truncated"] is True
        assert original.startswith(base64.b64decode(letter["original_value"]))
    assert json.loads(letters["empty"].value)["reason"] == "empty_payload"
    # Counted once per record, however often a batch was tried.
    assert counters[("newsflow_dead_letters_total", (("reason", "payload_too_large"), ("stage", "clean")))] == 2


def _read(bootstrap: str, topic: str) -> list[Record]:
    return asyncio.run(read_topic(Settings(), bootstrap, topic))


class Inflating:
    """The raw-to-clean hand-off, except that one article comes out far larger than any message may be."""

    name = "clean"
    input_model = RawArticle

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        results = RawAsClean().process(batch)
        return [
            result.model_copy(update={"body": result.body * 2000})
            if isinstance(result, CleanArticle) and result.id == "inflated"
            else result
            for result in results
        ]


def test_an_output_over_the_message_limit_is_dead_lettered_and_the_rest_of_its_batch_goes_on(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    # A small payload limit, so a 2000-fold article is over the message limit without moving megabytes.
    settings = Settings(topic_prefix=topic_prefix, group_prefix=f"{topic_prefix}group", http_port=free_port(), max_payload_bytes=20_000)
    topics = Topics(topic_prefix)
    asyncio.run(create_topics(settings, kafka_bootstrap, topics.all()))
    events = [json.loads(event) for event in harness.drill_events(40, seed=5)]
    events[17]["id"] = "inflated"
    values = [json.dumps(event).encode() for event in events]

    async def run() -> harness.Accounting:
        metrics = Metrics(CollectorRegistry())
        runner = StageRunner(
            Inflating(),
            topics,
            metrics,
            settings.max_payload_bytes,
            max_message_bytes=settings.max_message_bytes,
            hooks=ArticleHooks.on(metrics.registry),
        )
        service = StageService(settings, make_broker(settings, kafka_bootstrap), [runner], metrics, bootstrap=kafka_bootstrap)
        await service.start()
        try:
            await _send_in_order(kafka_bootstrap, topics.name("articles.raw"), [(b"k", value) for value in values])
            ids = {str(event["id"]) for event in events}
            return await harness.account(kafka_bootstrap, [topics.name("articles.clean"), topics.name("articles.dlq")], ids, timeout_s=90)
        finally:
            await service.stop()

    accounting = asyncio.run(run())
    harness.report("an output over the message limit", len(values), accounting)
    assert accounting.missing({str(event["id"]) for event in events}) == set()
    assert accounting.doubled() == {}
    assert set(accounting.per_topic[topics.name("articles.dlq")]) == {"inflated"}
    [letter] = [json.loads(record.value) for record in _read(kafka_bootstrap, topics.name("articles.dlq"))]
    assert letter["reason"] == "output_too_large"
    assert base64.b64decode(letter["original_value"]) == values[17], "the input that made it, so it can be redriven after a fix"


def test_lag_is_0_once_an_exactly_once_pipeline_goes_idle(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> None:
    asyncio.run(create_topics(Settings(topic_prefix=topic_prefix), kafka_bootstrap, Topics(topic_prefix).all()))
    events = harness.drill_events(60, seed=8)
    port = free_port()
    environment = harness.stage_environment(kafka_bootstrap, topic_prefix, port, tmp_path)
    environment["NEWSFLOW_LAG_INTERVAL_S"] = "1"
    process = StageProcess(environment, tmp_path / "run.log", stage="clean,dedup").start()
    try:
        process.wait_ready()
        asyncio.run(harness.produce(kafka_bootstrap, f"{topic_prefix}articles.raw", events))
        outputs = [f"{topic_prefix}articles.unique", f"{topic_prefix}articles.duplicates", f"{topic_prefix}articles.dlq"]
        accounting = asyncio.run(harness.account(kafka_bootstrap, outputs, {json.loads(e)["id"] for e in events}, timeout_s=120))
        deadline = time.monotonic() + 30
        lags: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        while time.monotonic() < deadline:
            lags = {key: value for key, value in _metrics(port).items() if key[0] == "newsflow_consumer_lag_records"}
            if len(lags) == 6 and not any(lags.values()):  # 3 partitions each of articles.raw and articles.clean
                break
            time.sleep(1)
    finally:
        process.close()
    harness.report("idle exactly-once: lag", len(events), accounting)
    assert accounting.missing({json.loads(e)["id"] for e in events}) == set()
    assert len(lags) == 6
    assert all(value == 0 for value in lags.values()), f"caught up, yet lag reported: {lags}"
