"""Every Kafka client takes its security from the settings: CA file, client certificate, hostname check, SASL."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from faststream.security import SASLScram512
from pydantic import SecretStr

from services.chassis.kafka import aiokafka_options, faststream_security, ssl_context
from services.settings import Settings


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA and a client certificate signed by it, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (deploy/dev/setup.sh installs it)")
    where = tmp_path_factory.mktemp("pki")
    run = [openssl, "req", "-newkey", "rsa:2048", "-nodes"]
    ca = [*run, "-x509", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test CA"]
    subprocess.run(ca, cwd=where, check=True, capture_output=True)
    subprocess.run([*run, "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=clean"], cwd=where, check=True, capture_output=True)
    sign = [openssl, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem"]
    subprocess.run([*sign, "-days", "2"], cwd=where, check=True, capture_output=True)
    return where


def test_plaintext_needs_no_options() -> None:
    assert aiokafka_options(Settings()) == {}
    assert faststream_security(Settings()) is None


def test_sasl_ssl_gives_aiokafka_and_faststream_the_same_scram_credentials_and_tls() -> None:
    settings = Settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="dedup",
        kafka_sasl_password=SecretStr("pw"),
    )
    options = aiokafka_options(settings)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("dedup", "pw")
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert isinstance(faststream_security(settings), SASLScram512)


def test_sasl_without_tls_carries_no_ssl_context() -> None:
    settings = Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="SCRAM-SHA-256", kafka_sasl_username="u")
    assert "ssl_context" not in aiokafka_options(settings)


def test_the_ca_file_is_trusted_and_hostnames_are_checked_by_default(pki: Path) -> None:
    context = ssl_context(Settings(kafka_ssl_cafile=pki / "ca.pem"))
    assert context.check_hostname is True
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert [cert["subject"] for cert in context.get_ca_certs()] == [((("commonName", "test CA"),),)]


def test_hostname_checking_can_be_switched_off_but_the_chain_is_still_verified(pki: Path) -> None:
    context = ssl_context(Settings(kafka_ssl_cafile=pki / "ca.pem", kafka_ssl_check_hostname=False))
    assert context.check_hostname is False
    assert context.verify_mode == ssl.CERT_REQUIRED


def test_a_client_certificate_and_key_are_loaded(pki: Path) -> None:
    settings = Settings(kafka_ssl_cafile=pki / "ca.pem", kafka_ssl_certfile=pki / "client.pem", kafka_ssl_keyfile=pki / "client.key")
    ssl_context(settings)  # loads the chain; a key that does not match the certificate raises
    with pytest.raises(ValueError, match="NEWSFLOW_KAFKA_SSL_KEYFILE="):
        ssl_context(settings.model_copy(update={"kafka_ssl_keyfile": pki / "ca.key"}))


def test_a_missing_ca_file_is_an_error_that_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"NEWSFLOW_KAFKA_SSL_CAFILE=.*nope\.pem"):
        ssl_context(Settings(kafka_ssl_cafile=tmp_path / "nope.pem"))
