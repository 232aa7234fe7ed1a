"""How to reach Kafka: the bootstrap address and security options, for FastStream and for aiokafka.

The security comes from the settings alone and is built here once: FastStream's security object, and the same
object mapped to aiokafka's keyword arguments by FastStream's own `parse_security`, so the two never differ.
"""

from __future__ import annotations

import ssl
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.helpers import create_ssl_context
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from services.settings import Settings

# A dead letter carries its original base64-encoded, so messages may be a third larger than accepted payloads.
MESSAGE_HEADROOM = 1.5


def max_message_bytes(settings: Settings) -> int:
    """Largest message newsflow publishes; topics and the producer are sized for it."""
    return int(settings.max_payload_bytes * MESSAGE_HEADROOM) + 64 * 1024


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
    """Keyword arguments for aiokafka clients (admin, producer, consumer) with the same security as FastStream's."""
    options = parse_security(faststream_security(settings))
    if options.get("ssl_context") is None:
        options.pop("ssl_context", None)
    return options


def make_producer(settings: Settings, bootstrap: str, *, transactional_id: str | None = None, **tuning: Any) -> AIOKafkaProducer:
    """newsflow's producer: acks from all replicas, idempotent, sized for the largest message; transactional if named.

    Call it inside the running event loop: aiokafka binds a client to the loop it is made in.
    """
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        max_request_size=max_message_bytes(settings),
        transactional_id=transactional_id,
        **aiokafka_options(settings),
        **tuning,
    )
