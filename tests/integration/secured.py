"""A secured broker for the security drills: SASL_SSL with SCRAM-SHA-512, the StandardAuthorizer, one user per stage.

Started by the test session on a port of its own with deploy/kafka/local-kafka.sh (NEWSFLOW_KAFKA_SECURITY=sasl_ssl)
and stopped after, unless it was already running. ACLs are added with Kafka's own kafka-acls (AclCommand).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from services.ops.local_broker import LocalKafkaError, SecuredLocalKafka, start_secured_local_kafka

# Apart from the shared test broker (19092) and the broker-stopping drills (19192).
SECURED_KAFKA_PORT = 19492


@pytest.fixture(scope="session")
def secured_kafka() -> Iterator[SecuredLocalKafka]:
    os.environ.setdefault("NEWSFLOW_KAFKA_HEAP_OPTS", "-Xms256m -Xmx768m")
    try:
        kafka, already_running = start_secured_local_kafka(SECURED_KAFKA_PORT)
    except LocalKafkaError as error:
        pytest.fail(str(error))
    yield kafka
    if not already_running:
        kafka.stop()
