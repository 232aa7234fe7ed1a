"""Kafka wiring, on FastStream's in-memory broker: consumed batches come out on the routed topics."""

from __future__ import annotations

import json

from faststream.kafka import TestKafkaBroker
from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleHooks
from services.chassis.kafka import make_broker
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.chassis.service import StageService
from services.passthrough import RawAsClean
from services.settings import Settings
from services.topics import Topics


async def test_a_raw_event_is_published_to_clean_and_bad_bytes_to_the_dlq() -> None:
    settings = Settings(topic_prefix="w.", http_port=0, delivery="at-least-once")
    metrics = Metrics(CollectorRegistry())
    broker = make_broker(settings, "localhost:9")
    runner = StageRunner(RawAsClean(), Topics("w."), metrics, 10_000, hooks=ArticleHooks.on(metrics.registry))
    StageService(settings, broker, [runner], metrics)
    clean_seen: list[dict[str, object]] = []
    dlq_seen: list[dict[str, object]] = []

    @broker.subscriber("w.articles.clean")
    async def on_clean(body: dict[str, object]) -> None:
        clean_seen.append(body)

    @broker.subscriber("w.articles.dlq")
    async def on_dlq(body: dict[str, object]) -> None:
        dlq_seen.append(body)

    async with TestKafkaBroker(broker) as test_broker:
        event = {"id": "a1", "fetched_at": "2026-11-20T08:00:00Z", "text": "An article body."}
        await test_broker.publish(json.dumps(event).encode(), topic="w.articles.raw", key=b"a1")
        await test_broker.publish(b"\xff\xfe", topic="w.articles.raw", key=b"bad")

    assert [body["id"] for body in clean_seen] == ["a1"]
    assert clean_seen[0]["lineage"] == {"topic": "w.articles.raw", "partition": 0, "offset": 0}
    assert [(body["stage"], body["reason"]) for body in dlq_seen] == [("clean", "not_utf8")]
