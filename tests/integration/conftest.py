"""A real Kafka broker for the session: the configured one, or the local one from deploy/kafka on a test port."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from services.bench import processes
from services.ops.local_broker import LOCAL_KAFKA_SCRIPT, ensure_bootstrap
from services.settings import Settings
from tests.integration.secured import secured_kafka

__all__ = ["secured_kafka"]  # the secured broker's session fixture, for the security drills

TEST_KAFKA_PORT = 19092


def _local_broker_running(port: int) -> bool:
    status = subprocess.run(
        ["bash", str(LOCAL_KAFKA_SCRIPT), "status"],
        env={**os.environ, "NEWSFLOW_LOCAL_KAFKA_PORT": str(port)},
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of a real broker; a broker this fixture started is stopped at the end of the session."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    already_running = _local_broker_running(TEST_KAFKA_PORT)
    bootstrap = ensure_bootstrap(Settings(local_kafka_port=TEST_KAFKA_PORT))
    yield bootstrap
    if not already_running:
        subprocess.run(
            ["bash", str(LOCAL_KAFKA_SCRIPT), "stop"], env={**os.environ, "NEWSFLOW_LOCAL_KAFKA_PORT": str(TEST_KAFKA_PORT)}, check=False
        )


@pytest.fixture
def topic_prefix() -> str:
    """Topics and consumer groups unique to one test, so tests never see each other's data."""
    return f"it-{uuid.uuid4().hex[:10]}."


@pytest.fixture
def free_port() -> int:
    return processes.free_port()
