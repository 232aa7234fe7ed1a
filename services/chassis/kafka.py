"""The one place Kafka clients are made: consumer, producer (plain or transactional), admin, and the FastStream broker.

Every client gets the same bootstrap, security and sizes from the settings, so a change of either (TLS, SASL,
a larger message limit) is made here once. Call the factories inside the running event loop: aiokafka binds
a client to the loop it is made in.
"""

from __future__ import annotations

import ssl
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CorruptRecordException,
    IllegalOperation,
    InvalidTimestampError,
    KafkaConnectionError,
    KafkaError,
    MessageSizeTooLargeError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from aiokafka.helpers import create_ssl_context
from aiokafka.structs import OffsetAndMetadata, TopicPartition
from faststream.kafka import KafkaBroker
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from services.settings import Settings

# The Kafka types the rest of newsflow may name, so nothing outside the chassis imports aiokafka.
__all__ = [
    "AIOKafkaAdminClient",
    "AIOKafkaConsumer",
    "AIOKafkaProducer",
    "ConsumerRebalanceListener",
    "ConsumerRecord",
    "CorruptRecordException",
    "IllegalOperation",
    "InvalidTimestampError",
    "KafkaConnectionError",
    "KafkaError",
    "MessageSizeTooLargeError",
    "NewTopic",
    "OffsetAndMetadata",
    "OutOfOrderSequenceNumber",
    "ProducerFenced",
    "RecordListTooLargeError",
    "RecordTooLargeError",
    "TopicPartition",
    "aiokafka_options",
    "faststream_security",
    "make_admin",
    "make_broker",
    "make_consumer",
    "make_producer",
    "ssl_context",
]


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """TLS towards the brokers: the configured CA (else the system's), an optional client certificate, hostname checked."""
    key_password = settings.kafka_ssl_key_password.get_secret_value() if settings.kafka_ssl_key_password else None
    files = {"CAFILE": settings.kafka_ssl_cafile, "CERTFILE": settings.kafka_ssl_certfile, "KEYFILE": settings.kafka_ssl_keyfile}
    try:
        context: ssl.SSLContext = create_ssl_context(
            cafile=files["CAFILE"], certfile=files["CERTFILE"], keyfile=files["KEYFILE"], password=key_password
        )
    except (OSError, ssl.SSLError) as error:
        named = ", ".join(f"NEWSFLOW_KAFKA_SSL_{name}={path}" for name, path in files.items() if path is not None)
        raise ValueError(f"cannot load the TLS files ({named}): {error}") from error
    # Off only on request (a test broker whose certificate names another host); the chain is verified either way.
    context.check_hostname = settings.kafka_ssl_check_hostname
    return context


def faststream_security(settings: Settings) -> BaseSecurity | None:
    """FastStream's security object for the configured protocol; None for PLAINTEXT."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    use_ssl = protocol in ("SSL", "SASL_SSL")
    context = ssl_context(settings) if use_ssl else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    username = settings.kafka_sasl_username or ""
    password = settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else ""
    kinds = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    security_class = kinds[settings.kafka_sasl_mechanism or "PLAIN"]
    return security_class(username=username, password=password, ssl_context=context, use_ssl=use_ssl)


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Security keyword arguments for aiokafka clients: FastStream's own mapping of the same object the broker gets."""
    options = parse_security(faststream_security(settings))
    if options.get("ssl_context") is None:
        options.pop("ssl_context", None)
    return options


def make_broker(settings: Settings, bootstrap: str) -> KafkaBroker:
    """The FastStream broker of a stage process: subscribers read through it, at-least-once publishes through it."""
    # Idempotence with acks=all: a retried send is never written twice.
    return KafkaBroker(
        bootstrap,
        client_id="newsflow",
        security=faststream_security(settings),
        acks="all",
        enable_idempotence=True,
        max_request_size=settings.max_message_bytes,
        graceful_timeout=15.0,
        logger=None,
    )


def make_producer(settings: Settings, bootstrap: str, *, transactional_id: str | None = None, **tuning: Any) -> AIOKafkaProducer:
    """newsflow's producer: acks from all replicas, idempotent, sized for the largest message; transactional if named."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        max_request_size=settings.max_message_bytes,
        transactional_id=transactional_id,
        **aiokafka_options(settings),
        **tuning,
    )


def make_consumer(settings: Settings, bootstrap: str, *topics: str, **tuning: Any) -> AIOKafkaConsumer:
    """A consumer that commits nothing by itself and reads only committed transactions, sized for the largest message.

    `tuning` overrides or adds aiokafka options (a group id, fetch sizes, the offset reset policy).
    """
    options: dict[str, Any] = {
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_partition_fetch_bytes": settings.max_message_bytes,
        "fetch_max_bytes": max(settings.fetch_max_bytes, settings.max_message_bytes),
        **aiokafka_options(settings),
        **tuning,
    }
    return AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, **options)


def make_admin(settings: Settings, bootstrap: str, client_id: str = "newsflow-admin") -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id=client_id, **aiokafka_options(settings))
