"""Security drills on a secured broker: SASL_SSL (SCRAM-SHA-512), deny-by-default ACLs, one principal per stage."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.acls import Grant, pipeline_grants, stage_grants
from services.bench import processes
from services.bench.processes import StageProcess
from services.chassis.access import diagnose_connection
from services.chassis.admin import create_topics
from services.chassis.kafka import aiokafka_options
from services.ops.local_broker import SecuredLocalKafka as SecuredKafka
from services.settings import Settings
from services.topics import STAGE_ORDER, Topics
from tests.conftest import REPO_ROOT
from tests.integration.harness import drill_events, stage_environment

pytestmark = pytest.mark.integration

NEWSFLOW = [sys.executable, "-m", "services.cli"]
EVENTS = 40


@dataclass
class SecuredPipeline:
    kafka: SecuredKafka
    topics: Topics
    stages: dict[str, StageProcess]
    ids: set[str]


async def _produce_as_admin(kafka: SecuredKafka, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap, acks="all", enable_idempotence=True, **aiokafka_options(kafka.settings_for(Settings(), "admin"))
    )
    await producer.start()
    try:
        pending = [await producer.send(topic, value, key=key) for key, value in records]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
        await asyncio.sleep(0.2)  # lets the TLS close handshakes finish before the loop ends


async def _read_committed(kafka: SecuredKafka, topics: list[str], expected: int, timeout_s: float) -> dict[str, Counter[str]]:
    """Keys per output topic at read_committed, until `expected` records arrived, then a moment longer for doubles."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=kafka.bootstrap,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        enable_auto_commit=False,
        **aiokafka_options(kafka.settings_for(Settings(), "admin")),
    )
    await consumer.start()
    seen: dict[str, Counter[str]] = {topic: Counter() for topic in topics}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while sum(sum(c.values()) for c in seen.values()) < expected and loop.time() < deadline:
            for partition, records in (await consumer.getmany(timeout_ms=500)).items():
                seen[partition.topic].update(record.key.decode() for record in records)
        for partition, records in (await consumer.getmany(timeout_ms=3_000)).items():
            seen[partition.topic].update(record.key.decode() for record in records)
    finally:
        await consumer.stop()
        await asyncio.sleep(0.2)  # lets the TLS close handshakes finish before the loop ends
    return seen


def _prepare(kafka: SecuredKafka, prefix: str, grants: list[Grant]) -> Topics:
    topics = Topics(prefix)
    asyncio.run(create_topics(kafka.settings_for(Settings(topic_partitions=2), "admin"), kafka.bootstrap, topics.all()))
    kafka.grant(grants)
    return topics


@pytest.fixture(scope="module")
def secured_pipeline(secured_kafka: SecuredKafka, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredPipeline]:
    """clean, dedup and tag, each a `newsflow run` process under its own principal with only its own ACLs."""
    prefix = f"sec-{uuid.uuid4().hex[:8]}."
    group = f"{prefix}group"
    topics = _prepare(secured_kafka, prefix, pipeline_grants(Topics(prefix), group))
    where = tmp_path_factory.mktemp("secured-pipeline")
    stages: dict[str, StageProcess] = {}
    try:
        for stage in STAGE_ORDER:
            environment = {
                **stage_environment(secured_kafka.bootstrap, prefix, processes.free_port(), where / stage),
                **secured_kafka.environment(stage),
                "NEWSFLOW_LOG_LEVEL": "debug",  # the most there is to leak
            }
            stages[stage] = StageProcess(environment, where / f"{stage}.log", stage=stage).start()
        for process in stages.values():
            process.wait_ready(timeout_s=180)
        events = drill_events(EVENTS, prefix=prefix)
        asyncio.run(_produce_as_admin(secured_kafka, topics.input_of("clean"), [(json.loads(e)["id"].encode(), e) for e in events]))
        yield SecuredPipeline(secured_kafka, topics, stages, {json.loads(e)["id"] for e in events})
    finally:
        for process in stages.values():
            process.close()


@pytest.mark.timeout(900)
def test_the_pipeline_runs_end_to_end_with_one_principal_per_stage_and_exactly_once_holds(secured_pipeline: SecuredPipeline) -> None:
    outputs = [secured_pipeline.topics.name(base) for base in ("articles.enriched", "articles.duplicates", "articles.dlq")]
    seen = asyncio.run(_read_committed(secured_pipeline.kafka, outputs, EVENTS, timeout_s=240))
    enriched = seen[outputs[0]]
    assert set(enriched) == secured_pipeline.ids, f"lost: {sorted(secured_pipeline.ids - set(enriched))[:5]}"
    assert all(count == 1 for count in enriched.values()), f"doubled: {[k for k, n in enriched.items() if n > 1][:5]}"
    assert not seen[outputs[1]]
    assert not seen[outputs[2]]


def test_no_secret_appears_in_any_log_line_or_in_metrics(secured_pipeline: SecuredPipeline) -> None:
    passwords = list(secured_pipeline.kafka.passwords.values())
    for stage, process in secured_pipeline.stages.items():
        port = process.environment["NEWSFLOW_HTTP_PORT"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        assert "newsflow_messages_consumed_total" in metrics
        logs = process.log_path.read_text()
        assert f'"stages": ["{stage}"]' in logs  # the log really holds this stage's lines
        assert '"event": "batch"' in logs
        for password in passwords:
            assert password not in metrics, f"a password is in {stage}'s /metrics"
            assert password not in logs, f"a password is in {stage}'s log"


def _unique_articles(prefix: str, count: int) -> list[tuple[bytes, bytes]]:
    """Records as dedup publishes them to articles.unique, made by the same stages offline."""
    events = b"\n".join(drill_events(count, prefix=prefix)) + b"\n"
    completed = subprocess.run(
        [*NEWSFLOW, "process", "--stages", "clean,dedup"], input=events, capture_output=True, check=True, cwd=REPO_ROOT
    )
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    return [(line["key"].encode(), json.dumps(line["value"]).encode()) for line in lines if line["topic"].endswith("articles.unique")]


def _run_tag_without(
    kafka: SecuredKafka, tmp_path: Path, prefix: str, missing: tuple[str, str], extra: list[Grant]
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """`newsflow run --stage tag` on `prefix`, granted what tag needs except resource `missing`, plus `extra`; its run and JSON logs."""
    topics = Topics(prefix)
    resource = (missing[0], topics.name(missing[1]) if missing[0] == "topic" else f"{prefix}group.{missing[1]}")
    grants = [
        Grant(g.principal, g.operation, tuple(r for r in g.resources if r != resource), g.prefixed)
        for g in stage_grants("tag", topics, f"{prefix}group", "tag")
    ]
    _prepare(kafka, prefix, [*grants, *extra])
    asyncio.run(_produce_as_admin(kafka, topics.input_of("tag"), _unique_articles(prefix, 3)))
    environment = {
        **stage_environment(kafka.bootstrap, prefix, processes.free_port(), tmp_path),
        **kafka.environment("tag"),
        "NEWSFLOW_LOG_LEVEL": "info",
    }
    completed = subprocess.run(
        [*NEWSFLOW, "run", "--stage", "tag"], env=environment, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT, check=False
    )
    return completed, [json.loads(line) for line in completed.stderr.splitlines() if line.startswith("{")]


def _the_one_refusal(completed: subprocess.CompletedProcess[str], lines: list[dict[str, Any]]) -> tuple[str, str, list[str]]:
    assert completed.returncode == 3, completed.stderr[-2000:]
    refusals = [line for line in lines if line["event"] == "not_authorized"]
    assert len(refusals) == 1, completed.stderr[-2000:]
    assert refusals[0]["principal"] == "tag"
    assert not [line for line in lines if line["event"] == "batch_failed"]  # no retry loop
    return refusals[0]["operation"], refusals[0]["resource"], refusals[0]["names"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("sees_the_topic", [False, True], ids=["no-acl-on-enriched", "describe-only-on-enriched"])
def test_a_stage_without_write_on_its_output_says_which_topic_and_operation_and_exits(
    secured_kafka: SecuredKafka, tmp_path: Path, sees_the_topic: bool
) -> None:
    """Without any ACL on its output the stage refuses to start; with Describe only, its first publish is refused."""
    prefix = f"sec-{uuid.uuid4().hex[:8]}."
    describe = [Grant("User:tag", "Describe", (("topic", f"{prefix}articles.enriched"),))] if sees_the_topic else []
    completed, lines = _run_tag_without(secured_kafka, tmp_path, prefix, ("topic", "articles.enriched"), describe)
    assert _the_one_refusal(completed, lines) == ("Write", "topic", [f"{prefix}articles.enriched"])
    assert any(line["event"] == "service_started" for line in lines) is sees_the_topic


@pytest.mark.timeout(600)
def test_a_stage_without_read_on_its_consumer_group_says_which_group_and_exits(secured_kafka: SecuredKafka, tmp_path: Path) -> None:
    prefix = f"sec-{uuid.uuid4().hex[:8]}."
    completed, lines = _run_tag_without(secured_kafka, tmp_path, prefix, ("group", "tag"), [])
    assert _the_one_refusal(completed, lines) == ("Read", "group", [f"{prefix}group.tag"])
    assert not any(line["event"] == "service_started" for line in lines)


def _newsflow(
    kafka: SecuredKafka, environment: dict[str, str], *command: str
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """A one-shot newsflow command (default `topics create`) with only the given Kafka settings; its JSON log lines."""
    # The parent's environment without any Kafka variable, so only what the drill sets applies.
    base = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSFLOW_KAFKA", "KAFKA_"))}
    completed = subprocess.run(
        [*NEWSFLOW, *(command or ("topics", "create"))],
        env={**base, "NEWSFLOW_LOG_FORMAT": "json", "NEWSFLOW_TOPIC_PREFIX": f"sec-{uuid.uuid4().hex[:8]}.", **environment},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        check=False,
    )
    lines = [json.loads(line) for line in completed.stderr.splitlines() if line.startswith("{")]
    return completed, lines


def _one_reason(completed: subprocess.CompletedProcess[str], lines: list[dict[str, Any]]) -> str:
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    failures = [line for line in lines if line["event"] == "kafka_connection_failed"]
    assert len(failures) == 1, completed.stderr
    reason: str = failures[0]["reason"]
    return reason


def test_a_wrong_password_is_refused_with_one_clear_line(secured_kafka: SecuredKafka) -> None:
    wrong = f"not-{uuid.uuid4().hex}"
    completed, lines = _newsflow(secured_kafka, secured_kafka.environment("clean", password=wrong))
    assert "SASL authentication of user 'clean' failed" in _one_reason(completed, lines)
    assert wrong not in completed.stderr + completed.stdout


def test_an_unknown_ca_is_refused_with_one_clear_line(secured_kafka: SecuredKafka) -> None:
    environment = {k: v for k, v in secured_kafka.environment("clean").items() if k != "NEWSFLOW_KAFKA_SSL_CAFILE"}
    completed, lines = _newsflow(secured_kafka, environment)
    assert "is not trusted" in _one_reason(completed, lines)


def test_plaintext_connections_to_the_tls_listener_are_refused(secured_kafka: SecuredKafka) -> None:
    completed, lines = _newsflow(secured_kafka, {"KAFKA_BOOTSTRAP_SERVERS": secured_kafka.bootstrap})
    assert "needs NEWSFLOW_KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL" in _one_reason(completed, lines)
    assert not completed.stdout  # nothing was created


def test_a_stage_principal_may_not_create_topics(secured_kafka: SecuredKafka) -> None:
    completed, lines = _newsflow(secured_kafka, secured_kafka.environment("clean"))
    assert completed.returncode == 3, completed.stderr
    (refusal,) = [line for line in lines if line["event"] == "not_authorized"]
    assert (refusal["principal"], refusal["operation"], refusal["resource"]) == ("clean", "Create", "topic")


def test_a_stage_principal_may_not_publish_raw_events(secured_kafka: SecuredKafka) -> None:
    prefix = f"sec-{uuid.uuid4().hex[:8]}."
    _prepare(secured_kafka, prefix, [])
    seeds = str(REPO_ROOT / "seeds" / "raw-events.jsonl")
    completed, lines = _newsflow(secured_kafka, {**secured_kafka.environment("clean"), "NEWSFLOW_TOPIC_PREFIX": prefix}, "produce", seeds)
    assert completed.returncode == 3, completed.stderr
    (refusal,) = [line for line in lines if line["event"] == "not_authorized"]
    assert (refusal["operation"], refusal["resource"], refusal["names"]) == ("Write", "topic", [f"{prefix}articles.raw"])


def test_a_rotated_password_takes_over_at_once_as_the_readme_says(secured_kafka: SecuredKafka) -> None:
    """kafka-configs --alter (README "Rotating a password") on a user of its own: the old password is refused from then on."""
    user = f"rotation-{uuid.uuid4().hex[:6]}"  # a user of its own: the other drills keep their passwords
    old, new = f"old-{uuid.uuid4().hex}", f"new-{uuid.uuid4().hex}"

    def alter(password: str) -> None:
        secured_kafka.tool(
            "ConfigCommand",
            "--alter",
            "--add-config",
            f"SCRAM-SHA-512=[password={password}]",
            "--entity-type",
            "users",
            "--entity-name",
            user,
        )

    def refused(password: str) -> str | None:
        settings = Settings().for_secured_broker(secured_kafka.bootstrap, user, password, secured_kafka.ca_file)
        return asyncio.run(diagnose_connection(settings, secured_kafka.bootstrap))

    alter(old)
    assert refused(old) is None
    alter(new)
    assert refused(new) is None
    assert "wrong user name or password" in (refused(old) or "")
