"""Security failures told plainly: which principal may not do what on which resource, and why a connection fails.

Kafka refuses a request it does not authorise with an error that names only the resource; aiokafka reports a
failed handshake as "Unable to bootstrap". These helpers turn both into one sentence an operator can act on.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from aiokafka.conn import AIOKafkaConnection
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)

from services.chassis.kafka import aiokafka_options
from services.settings import Settings

AUTHORIZATION_ERRORS = (
    TopicAuthorizationFailedError,
    GroupAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
    ClusterAuthorizationFailedError,
)


@dataclass(frozen=True)
class Denial:
    """An operation the broker's authorizer refused."""

    operation: str
    resource: str
    names: tuple[str, ...]
    note: str = ""

    def explain(self, principal: str | None) -> str:
        who = f"User:{principal}" if principal else "this client"
        what = f"{self.resource} {', '.join(self.names)}" if self.names else self.resource
        note = f" ({self.note})" if self.note else ""
        return (
            f"{who} is not allowed to {self.operation} {what}{note}: grant it with kafka-acls (`newsflow acls` lists what each stage needs)"
        )


class AccessDenied(Exception):  # noqa: N818 - names what happened, like Kafka's own *AuthorizationFailed
    """The broker refused an operation newsflow needs; retrying cannot help until an ACL grants it."""

    def __init__(self, refused: Denial, principal: str | None) -> None:
        super().__init__(refused.explain(principal))
        self.denial = refused
        self.principal = principal


def _names(error: KafkaError) -> tuple[str, ...]:
    if not error.args:
        return ()
    named = error.args[0]
    if isinstance(named, str):
        return (named,)
    if isinstance(named, set | frozenset | list | tuple):
        return tuple(sorted(str(name) for name in named))
    return ()


def denial(error: KafkaError, *, topic_operation: str) -> Denial:
    """What `error` refused; `topic_operation` is what the caller was doing to topics (Read, Write or Create)."""
    if isinstance(error, TransactionalIdAuthorizationFailed):
        return Denial("Write", "transactional-id", _names(error))
    if isinstance(error, GroupAuthorizationFailedError):
        return Denial("Read", "group", _names(error))
    if isinstance(error, ClusterAuthorizationFailedError):
        return Denial(topic_operation if topic_operation == "Create" else "IdempotentWrite", "cluster", ())
    return Denial(topic_operation, "topic", _names(error))


def _first_address(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.split(",", maxsplit=1)[0].strip().rpartition(":")
    return host.strip("[]") or "localhost", int(port)


def _explain_tls(error: ssl.SSLError, where: str) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = error.verify_message or str(error)
        if "hostname" in detail.lower() or "ip address mismatch" in detail.lower():
            return f"TLS: the certificate of {where} does not name that host ({detail})"
        return f"TLS: the certificate of {where} is not trusted ({detail}); set NEWSFLOW_KAFKA_SSL_CAFILE to the CA that signed it"
    return f"TLS handshake with {where} failed ({error.reason}); is it a TLS listener?"


def explain_connection_error(error: Exception, settings: Settings, where: str) -> str:
    """One sentence for why a connection to `where` failed."""
    if isinstance(error, SaslAuthenticationFailed):
        return f"SASL authentication of user '{settings.kafka_sasl_username}' failed at {where}: wrong user name or password"
    if isinstance(error, ssl.SSLError):
        return _explain_tls(error, where)
    if isinstance(error, KafkaConnectionError) and settings.kafka_security_protocol in ("PLAINTEXT", "SASL_PLAINTEXT"):
        return f"{where} closed the connection ({error}); a TLS listener needs NEWSFLOW_KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL"
    if isinstance(error, OSError) and not isinstance(error, ssl.SSLError):
        return f"cannot reach {where}: {error.strerror or error}"
    return f"{where} refused the connection: {error}"


async def diagnose_connection(settings: Settings, bootstrap: str) -> str | None:
    """Why a client cannot talk to the first bootstrap broker, in one sentence; None when a connection succeeds."""
    host, port = _first_address(bootstrap)
    options = aiokafka_options(settings)
    sasl = {key: value for key, value in options.items() if key.startswith("sasl")}
    conn = AIOKafkaConnection(
        host, port, security_protocol=settings.kafka_security_protocol, ssl_context=options.get("ssl_context"), **sasl
    )
    try:
        await conn.connect()
    except (KafkaError, OSError) as error:
        return explain_connection_error(error, settings, f"{host}:{port}")
    finally:
        conn.close()  # also after a refused handshake, whose socket is open
        # A TLS transport finishes closing on the loop: let it, or a caller's asyncio.run ends with it open.
        await asyncio.sleep(0.2)
    return None
