"""The bootstrap address: the configured one, or the local broker from deploy/kafka, started on demand."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import structlog

from services.settings import Settings

log = structlog.get_logger("newsflow.local_kafka")

LOCAL_KAFKA_SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "local-kafka.sh"


class LocalKafkaError(RuntimeError):
    """The local broker could not be started."""


def ensure_bootstrap(settings: Settings) -> str:
    """Return where Kafka is; with none configured, start the local broker and return its address."""
    if settings.kafka_bootstrap_servers:
        return settings.kafka_bootstrap_servers
    if not LOCAL_KAFKA_SCRIPT.is_file():
        raise LocalKafkaError(f"KAFKA_BOOTSTRAP_SERVERS is not set and the local broker script {LOCAL_KAFKA_SCRIPT} is missing")
    log.info("local_kafka_start", port=settings.local_kafka_port)
    environment = {**os.environ, "NEWSFLOW_KAFKA_PORT": str(settings.local_kafka_port)}
    completed = subprocess.run(  # noqa: S603 - the project's own script, by absolute path
        [shutil.which("bash") or "/bin/bash", str(LOCAL_KAFKA_SCRIPT), "start"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise LocalKafkaError(f"the local broker did not start:\n{completed.stdout}\n{completed.stderr}")
    return f"localhost:{settings.local_kafka_port}"
