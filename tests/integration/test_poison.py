"""A poison message (the stage raises on it every time) is dead-lettered after bounded retries; its partition flows on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from services.bench.processes import free_port
from services.chassis.admin import create_topics
from services.chassis.kafka import make_broker
from services.chassis.metrics import Metrics
from services.chassis.service import StageService
from services.messages import RawArticle
from services.passthrough import RawAsClean
from services.pipeline import make_runners
from services.settings import Settings
from services.stage import Rejection
from services.topics import Topics
from tests.integration import harness

pytestmark = pytest.mark.integration


class PoisonedClean:
    """The raw-to-clean hand-off, except that one article makes it raise, every time."""

    name = "clean"
    input_model = RawArticle

    def __init__(self) -> None:
        self.poison_calls = 0

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        if any(raw.id == "poison" for raw in batch):
            self.poison_calls += len(batch) == 1
            raise RuntimeError("this article always breaks the stage")
        return RawAsClean().process(batch)


async def _run(settings: Settings, bootstrap: str, stage: PoisonedClean, values: list[bytes]) -> dict[str, list[dict[str, object]]]:
    topics = Topics(settings.topic_prefix)
    metrics = Metrics(CollectorRegistry())
    service = StageService(
        settings, make_broker(settings, bootstrap), make_runners([stage], topics, metrics, settings), metrics, bootstrap=bootstrap
    )
    await service.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value in values:  # one partition, so everything after the poison queues behind it
            await producer.send_and_wait(topics.name("articles.raw"), value, key=b"k", partition=0)
    finally:
        await producer.stop()
    outputs: dict[str, list[dict[str, object]]] = {topics.name("articles.clean"): [], topics.name("articles.dlq"): []}
    consumer = AIOKafkaConsumer(*outputs, bootstrap_servers=bootstrap, auto_offset_reset="earliest", isolation_level="read_committed")
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            while sum(map(len, outputs.values())) < len(values):
                for partition, records in (await consumer.getmany(timeout_ms=500)).items():
                    outputs[partition.topic].extend(json.loads(record.value) for record in records)
    finally:
        await consumer.stop()
        await service.stop()
    return outputs


def test_a_poison_message_is_dead_lettered_after_retries_and_its_partition_keeps_flowing(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = Settings(topic_prefix=topic_prefix, group_prefix=f"{topic_prefix}group", http_port=free_port(), stage_attempts=3)
    asyncio.run(create_topics(settings, kafka_bootstrap, Topics(topic_prefix).all()))
    events = [json.loads(event) for event in harness.drill_events(60, seed=3)]
    events[20]["id"] = "poison"
    stage = PoisonedClean()

    outputs = asyncio.run(_run(settings, kafka_bootstrap, stage, [json.dumps(event).encode() for event in events]))

    clean, dead = outputs[f"{topic_prefix}articles.clean"], outputs[f"{topic_prefix}articles.dlq"]
    assert [letter["reason"] for letter in dead] == ["processing_error"]
    assert dead[0]["article_id"] == "poison"
    assert "after 3 attempts" in str(dead[0]["detail"])
    assert stage.poison_calls == 3
    # Outputs are keyed by id and so spread over partitions: compare what arrived, not the interleaving.
    assert sorted(str(article["id"]) for article in clean) == sorted(event["id"] for event in events if event["id"] != "poison")
