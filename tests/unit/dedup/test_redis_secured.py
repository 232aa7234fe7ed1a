"""Shared dedup state on a Redis that asks for TLS and a password: both come from NEWSFLOW_REDIS_URL alone."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from services.bench.processes import free_port
from services.dedup.redis_state import RedisDedupState

PASSWORD = "redis-s3cret"  # noqa: S105 - a made-up secret for a throwaway server


def _pki(where: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (deploy/dev/setup.sh installs it)")
    run = [openssl, "req", "-newkey", "rsa:2048", "-nodes"]
    ca = [*run, "-x509", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test CA"]
    subprocess.run(ca, cwd=where, check=True, capture_output=True)
    subprocess.run(
        [*run, "-keyout", "redis.key", "-out", "redis.csr", "-subj", "/CN=localhost"], cwd=where, check=True, capture_output=True
    )
    (where / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    sign = [openssl, "x509", "-req", "-in", "redis.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "redis.pem"]
    subprocess.run([*sign, "-days", "2", "-extfile", "san.ext"], cwd=where, check=True, capture_output=True)


@pytest.fixture(scope="module")
def secured_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """redis-server with TLS only (no plaintext port) and a password; yields its TLS port and the CA file."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    where = tmp_path_factory.mktemp("redis-tls")
    _pki(where)
    port = free_port()
    tls = ["--tls-port", str(port), "--tls-cert-file", "redis.pem", "--tls-key-file", "redis.key", "--tls-ca-cert-file", "ca.pem"]
    command = [binary, "--port", "0", *tls, "--tls-auth-clients", "no", "--requirepass", PASSWORD, "--bind", "127.0.0.1", "--save", ""]
    server = subprocess.Popen([*command, "--logfile", "redis.log"], cwd=where, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, password=PASSWORD, ssl=True, ssl_ca_certs=str(where / "ca.pem"))
    try:
        for _ in range(100):
            if server.poll() is not None:
                pytest.skip(f"this redis-server cannot serve TLS: {(where / 'redis.log').read_text()[-300:]}")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield port, where / "ca.pem"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def test_rediss_with_the_password_and_the_ca_in_the_url_reaches_the_state(secured_redis: tuple[int, Path]) -> None:
    port, ca = secured_redis
    state = RedisDedupState.open(f"rediss://:{PASSWORD}@localhost:{port}/0?ssl_ca_certs={ca}", namespace="tls-test")
    assert state.ready


@pytest.mark.parametrize(
    "url",
    [
        "rediss://:wrong@localhost:{port}/0?ssl_ca_certs={ca}",  # wrong password
        "rediss://localhost:{port}/0?ssl_ca_certs={ca}",  # no password
        "redis://:" + PASSWORD + "@localhost:{port}/0",  # no TLS
        "rediss://:" + PASSWORD + "@localhost:{port}/0",  # CA not trusted
    ],
    ids=["wrong-password", "no-password", "no-tls", "unknown-ca"],
)
def test_the_state_is_not_ready_without_tls_the_password_or_a_trusted_ca(secured_redis: tuple[int, Path], url: str) -> None:
    port, ca = secured_redis
    state = RedisDedupState.open(url.format(port=port, ca=ca), namespace="tls-test")
    assert not state.ready
