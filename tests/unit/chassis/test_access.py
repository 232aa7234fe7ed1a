"""Security failures become one sentence naming the principal, the operation and the resource, or the cause."""

from __future__ import annotations

import ssl

import pytest
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)
from pydantic import SecretStr

from services.chassis.access import Denial, denial, explain_connection_error
from services.settings import Settings

SASL_SSL = Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-512", kafka_sasl_username="tag")


def test_a_refused_publish_names_the_topics_and_the_write() -> None:
    refused = denial(TopicAuthorizationFailedError({"p.articles.enriched"}), topic_operation="Write")
    assert refused == Denial("Write", "topic", ("p.articles.enriched",))
    assert refused.explain("tag").startswith("User:tag is not allowed to Write topic p.articles.enriched")


def test_a_refused_metadata_look_up_names_the_one_topic() -> None:
    assert denial(TopicAuthorizationFailedError("p.articles.dlq"), topic_operation="Write").names == ("p.articles.dlq",)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TransactionalIdAuthorizationFailed("g.tag.pod-1"), Denial("Write", "transactional-id", ("g.tag.pod-1",))),
        (GroupAuthorizationFailedError("g.tag"), Denial("Read", "group", ("g.tag",))),
    ],
)
def test_other_refusals_name_their_resource(error: KafkaError, expected: Denial) -> None:
    assert denial(error, topic_operation="Write") == expected


def test_a_wrong_password_is_told_as_such_and_not_echoed() -> None:
    settings = SASL_SSL.model_copy(update={"kafka_sasl_password": SecretStr("hunter2")})
    reason = explain_connection_error(SaslAuthenticationFailed(), settings, "b:9093")
    assert "wrong user name or password" in reason
    assert "'tag'" in reason
    assert "hunter2" not in reason


def test_an_unknown_ca_points_at_the_ca_setting() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "self-signed certificate in certificate chain"
    reason = explain_connection_error(error, SASL_SSL, "b:9093")
    assert "not trusted" in reason
    assert "NEWSFLOW_KAFKA_SSL_CAFILE" in reason


def test_a_certificate_for_another_host_is_told_apart_from_an_unknown_ca() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "Hostname mismatch, certificate is not valid for 'b'."
    assert "does not name that host" in explain_connection_error(error, SASL_SSL, "b:9093")


def test_a_plaintext_client_dropped_by_a_tls_listener_is_told_to_use_tls() -> None:
    reason = explain_connection_error(KafkaConnectionError("Connection at b:9093 closed"), Settings(), "b:9093")
    assert "NEWSFLOW_KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL" in reason
