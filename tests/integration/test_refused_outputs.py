"""An output the broker itself refuses (an output topic with a smaller size limit than newsflow's) is dead-lettered,
and the rest flows: in the live exactly-once delivery and in a replay. Real broker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleHooks
from services.bench.processes import free_port
from services.chassis.admin import create_topics
from services.chassis.history import read_topic
from services.chassis.kafka import make_broker
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.chassis.service import StageService
from services.passthrough import RawAsClean
from services.settings import Settings
from services.topics import Topics
from tests.conftest import REPO_ROOT
from tests.integration import harness

# A topic's limit applies to a record batch: above the producer's batches (16 KB) and the ordinary outputs (about
# 1 KB), below the long article's (about 120 KB), far below newsflow's own limit (about 6.5 MB).
_TOPIC_LIMIT = 64 * 1024


def _events_with_one_long(prefix: str) -> tuple[list[bytes], str]:
    """40 drill events; one of them carries the bodies of 300 others as its paragraphs."""
    bodies = [json.loads(value)["text"].split("\n", 1)[1] for value in harness.drill_events(300, seed=99, prefix="body")]
    events = [json.loads(value) for value in harness.drill_events(40, seed=13, prefix=prefix)]
    long = events[17]
    long["text"] += "\n" + "\n".join(bodies)
    return [json.dumps(event).encode() for event in events], long["id"]


async def _create_limited(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        limited = NewTopic(topic, num_partitions=3, replication_factor=1, topic_configs={"max.message.bytes": str(_TOPIC_LIMIT)})
        await admin.create_topics([limited])
    finally:
        await admin.close()


def _reasons(records: list[bytes]) -> list[str]:
    return [json.loads(value)["reason"] for value in records]


def test_exactly_once_delivery_dead_letters_the_refused_output_and_goes_on(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = Settings(topic_prefix=topic_prefix, group_prefix=f"{topic_prefix}group", http_port=free_port())
    topics = Topics(topic_prefix)
    asyncio.run(_create_limited(kafka_bootstrap, topics.name("articles.clean")))
    asyncio.run(create_topics(settings, kafka_bootstrap, topics.all()))
    values, long_id = _events_with_one_long("live")
    ids = {json.loads(value)["id"] for value in values}

    async def run() -> harness.Accounting:
        metrics = Metrics(CollectorRegistry())
        hooks = ArticleHooks.on(metrics.registry)
        runner = StageRunner(
            RawAsClean(), topics, metrics, settings.max_payload_bytes, max_message_bytes=settings.max_message_bytes, hooks=hooks
        )
        service = StageService(settings, make_broker(settings, kafka_bootstrap), [runner], metrics, bootstrap=kafka_bootstrap)
        await service.start()
        try:
            await harness.produce(kafka_bootstrap, topics.name("articles.raw"), values)
            outputs = [topics.name("articles.clean"), topics.name("articles.dlq")]
            return await harness.account(kafka_bootstrap, outputs, ids, timeout_s=120)
        finally:
            await service.stop()

    accounting = asyncio.run(run())
    harness.report("an output the broker refuses, exactly-once", len(values), accounting)
    assert accounting.missing(ids) == set(), "every record after the refused one arrives"
    assert accounting.doubled() == {}
    assert set(accounting.per_topic[topics.name("articles.dlq")]) == {long_id}
    letters = [record.value or b"" for record in asyncio.run(read_topic(settings, kafka_bootstrap, topics.name("articles.dlq")))]
    assert _reasons(letters) == ["output_rejected"]


def test_a_replay_dead_letters_the_refused_output_and_commits_the_rest_once(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    topics = Topics(topic_prefix)
    asyncio.run(create_topics(settings, kafka_bootstrap, topics.all()))
    asyncio.run(_create_limited(kafka_bootstrap, f"{topics.name('articles.clean')}.v2"))
    values, long_id = _events_with_one_long("replayed")
    asyncio.run(harness.produce(kafka_bootstrap, topics.name("articles.raw"), values))

    environment = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "NEWSFLOW_TOPIC_PREFIX": topic_prefix}
    environment["NEWSFLOW_LOG_FORMAT"] = "json"
    command = [sys.executable, "-m", "services.cli", "replay", "--topic", "articles.raw", "--from", "beginning", "--output-version", "v2"]
    done = subprocess.run(command, env=environment, cwd=REPO_ROOT, capture_output=True, text=True, timeout=180, check=False)

    assert done.returncode == 0, done.stderr[-3000:]
    clean = asyncio.run(read_topic(settings, kafka_bootstrap, f"{topics.name('articles.clean')}.v2"))
    letters = asyncio.run(read_topic(settings, kafka_bootstrap, f"{topics.name('articles.dlq')}.v2"))
    clean_ids = [(record.key or b"").decode() for record in clean]
    assert sorted(clean_ids) == sorted(json.loads(value)["id"] for value in values if json.loads(value)["id"] != long_id)
    assert [(record.key or b"").decode() for record in letters] == [long_id]
    assert _reasons([record.value or b"" for record in letters]) == ["output_rejected"]
    assert any('"output_rejected"' in line for line in done.stderr.splitlines())
