"""`newsflow dlq redrive` on a real broker: original key and bytes back on their topic, each dead letter at most once."""

from __future__ import annotations

import asyncio
import base64
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleHooks
from services.chassis.admin import create_topics
from services.chassis.envelope import Inbound
from services.chassis.history import read_topic
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.clean import CleanStage
from services.messages import DeadLetter, Lineage
from services.ops.redrive import RedriveConflictError, RedriveFilter, RedriveReport, ledger_topic, redrive
from services.settings import Settings
from services.topics import Topics
from tests.integration.test_replay import newsflow

pytestmark = pytest.mark.integration

Original = tuple[bytes | None, bytes]


def clean_stage_dead_letters(topics: Topics, lines: list[bytes]) -> list[DeadLetter]:
    """Dead letters as the real clean stage makes them, for raw records that were never on the broker."""
    runner = StageRunner(
        CleanStage(), topics, Metrics(CollectorRegistry()), max_payload_bytes=5 * 1024 * 1024, hooks=ArticleHooks.on(CollectorRegistry())
    )
    raw = topics.input_of("clean")
    inbound = [Inbound(f"key-{n}".encode(), line, Lineage(topic=raw, partition=n % 3, offset=n)) for n, line in enumerate(lines)]
    return [out.value for out in runner.run_batch(inbound) if isinstance(out.value, DeadLetter)]


async def publish_letters(settings: Settings, bootstrap: str, letters: list[DeadLetter]) -> None:
    topics = Topics(settings.topic_prefix)
    await create_topics(settings, bootstrap, topics.all())
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for letter in letters:
            await producer.send_and_wait(
                topics.name("articles.dlq"), letter.model_dump_json().encode(), key=(letter.article_id or "").encode()
            )
    finally:
        await producer.stop()


def original(letter: DeadLetter) -> Original:
    key = base64.b64decode(letter.original_key) if letter.original_key is not None else None
    return key, base64.b64decode(letter.original_value)


async def on_raw(settings: Settings, bootstrap: str) -> Counter[Original]:
    """(key, bytes) of every committed record on the raw topic."""
    records = await read_topic(settings, bootstrap, Topics(settings.topic_prefix).input_of("clean"))
    return Counter((record.key, record.value) for record in records)


BROKEN = [
    b'{"id": "broken-1", "fetched_at": "2026-11-20T08:00:00Z", "text": "cut o',
    b"{'single': 'quotes'}",
    b"not json at all",
]


def test_redrive_by_reason_sends_only_those_letters_with_their_original_key_and_bytes_once(
    kafka_bootstrap: str, topic_prefix: str, seeds_dir: Path
) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    lines = [line for path in sorted(seeds_dir.glob("*.jsonl")) for line in path.read_bytes().splitlines() if line.strip()] + BROKEN
    letters = clean_stage_dead_letters(Topics(topic_prefix), lines)
    by_reason = Counter(letter.reason for letter in letters)
    assert by_reason == Counter({"invalid_json": 4, "not_utf8": 1, "empty_body": 1, "missing_body": 1, "wrong_shape": 1, "undecodable": 1})
    asyncio.run(publish_letters(settings, kafka_bootstrap, letters))
    invalid = Counter(original(letter) for letter in letters if letter.reason == "invalid_json")

    first = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--reason", "invalid_json", "--verbose")
    assert first.stdout.startswith("redrove 4 dead letter(s)\n  invalid_json: 4\n"), first.stdout
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == invalid
    assert all(key is not None and key.startswith(b"key-") for key, _ in invalid), "the original keys, not the dead letters' keys"

    again = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--reason", "invalid_json")
    assert again.stdout.startswith("redrove 0 dead letter(s)\n"), again.stdout
    assert "skipped: 4 redriven before, 5 not matching the filters" in again.stdout
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == invalid

    overlapping = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--reason", "invalid_json", "--reason", "not_utf8")
    assert overlapping.stdout.startswith("redrove 1 dead letter(s)\n  not_utf8: 1\n"), overlapping.stdout

    rest = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive")
    assert rest.stdout.startswith("redrove 4 dead letter(s)\n"), rest.stdout
    everything = Counter(original(letter) for letter in letters)
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == everything, "each dead letter's original exactly once"
    assert any(b"\xff" in value or b"\xe9" in value for _, value in everything), "bytes that are not UTF-8 come back as they were"

    last = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive")
    assert last.stdout.startswith("redrove 0 dead letter(s)\n"), last.stdout
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == everything


def _letter(raw_topic: str, n: int, failed_at: datetime, stage: str = "clean") -> DeadLetter:
    return DeadLetter(
        stage=stage,
        reason="processing_error",
        detail="RuntimeError: the bug that was fixed",
        article_id=f"article-{n}",
        original_key=base64.b64encode(f"article-{n}".encode()).decode(),
        original_value=base64.b64encode(json.dumps({"id": f"article-{n}", "n": n}).encode()).decode(),
        lineage=Lineage(topic=raw_topic, partition=0, offset=n),
        failed_at=failed_at,
    )


def test_redrive_by_time_window_and_stage_and_a_dry_run_sends_nothing(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    raw = Topics(topic_prefix).input_of("clean")
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    times = [t0, t0, t0 + timedelta(hours=1), t0 + timedelta(hours=1), t0 + timedelta(hours=2), t0 + timedelta(hours=2)]
    letters = [_letter(raw, n, moment, stage="tag" if n == 5 else "clean") for n, moment in enumerate(times)]
    asyncio.run(publish_letters(settings, kafka_bootstrap, letters))

    dry = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--dry-run")
    assert dry.stdout.startswith("would redrive 6 dead letter(s)\n  processing_error: 6\n"), dry.stdout
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == Counter()

    early = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--until", "2026-11-20T09:00:00Z", "--verbose")
    assert early.stdout.startswith("redrove 2 dead letter(s)"), early.stdout
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == Counter(original(letter) for letter in letters[:2])

    window = ["--since", "2026-11-20T10:00:00+01:00", "--until", "2026-11-20T10:00:00Z"]  # 09:00 UTC (inclusive) to 10:00 UTC
    middle = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", *window)
    assert middle.stdout.startswith("redrove 2 dead letter(s)"), middle.stdout

    tag_only = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--stage", "tag")
    assert tag_only.stdout.startswith("redrove 1 dead letter(s)"), tag_only.stdout

    everything_since = newsflow(kafka_bootstrap, topic_prefix, "dlq", "redrive", "--since", "2026-11-20T08:00:00Z")
    assert everything_since.stdout.startswith("redrove 1 dead letter(s)"), everything_since.stdout
    assert "skipped: 5 redriven before" in everything_since.stdout
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == Counter(original(letter) for letter in letters)


async def _two_redrives_at_once(settings: Settings, bootstrap: str, dlq: str) -> list[object]:
    everything = RedriveFilter()
    return list(
        await asyncio.gather(
            redrive(settings, bootstrap, dlq, everything), redrive(settings, bootstrap, dlq, everything), return_exceptions=True
        )
    )


def test_two_redrives_at_once_never_send_a_letter_twice(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = Settings(topic_prefix=topic_prefix)
    topics = Topics(topic_prefix)
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    letters = [_letter(topics.input_of("clean"), n, t0) for n in range(40)]
    asyncio.run(publish_letters(settings, kafka_bootstrap, letters))

    results = asyncio.run(_two_redrives_at_once(settings, kafka_bootstrap, topics.name("articles.dlq")))
    sent = [len(result.redriven) for result in results if isinstance(result, RedriveReport)]
    conflicts = [result for result in results if isinstance(result, RedriveConflictError)]
    assert sorted(sent) in ([0, 40], [40]), results
    assert len(sent) + len(conflicts) == 2, results
    assert asyncio.run(on_raw(settings, kafka_bootstrap)) == Counter(original(letter) for letter in letters)
    ledger = asyncio.run(read_topic(settings, kafka_bootstrap, ledger_topic(topics.name("articles.dlq"))))
    assert len(ledger) == len({record.key for record in ledger}) == 40, "one ledger entry per letter"
