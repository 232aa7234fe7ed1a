"""A secured broker for the security drills: SASL_SSL with SCRAM-SHA-512, the StandardAuthorizer, one user per stage.

Started by the test session on a port of its own with deploy/kafka/local-kafka.sh (NEWSFLOW_KAFKA_SECURITY=sasl_ssl)
and stopped after, unless it was already running. ACLs are added with Kafka's own kafka-acls (AclCommand).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.acls import Grant
from services.chassis.local_kafka import LOCAL_KAFKA_SCRIPT
from services.settings import Settings

# Apart from the shared test broker (19092) and the broker-stopping drills (19192).
SECURED_KAFKA_PORT = 19492


def _script(command: str, *, port: int, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NEWSFLOW_KAFKA_PORT": str(port), "NEWSFLOW_KAFKA_SECURITY": "sasl_ssl"}
    environment.setdefault("NEWSFLOW_KAFKA_HEAP_OPTS", "-Xms256m -Xmx768m")
    return subprocess.run(
        ["bash", str(LOCAL_KAFKA_SCRIPT), command], env=environment, input=stdin, capture_output=True, text=True, check=check
    )


@dataclass(frozen=True)
class SecuredKafka:
    """Where the secured broker is, the CA that signed it, and the generated passwords of its users."""

    bootstrap: str
    port: int
    secrets: Path
    passwords: dict[str, str]

    @property
    def ca_file(self) -> Path:
        return self.secrets / "ca.pem"

    def environment(self, user: str, *, password: str | None = None) -> dict[str, str]:
        """The NEWSFLOW_* variables a process needs to connect as `user`."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "NEWSFLOW_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSFLOW_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSFLOW_KAFKA_SASL_USERNAME": user,
            "NEWSFLOW_KAFKA_SASL_PASSWORD": self.passwords[user] if password is None else password,
            "NEWSFLOW_KAFKA_SSL_CAFILE": str(self.ca_file),
        }

    def settings(self, user: str, **overrides: object) -> Settings:
        return Settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username=user,
            kafka_sasl_password=SecretStr(self.passwords[user]),
            kafka_ssl_cafile=self.ca_file,
            **overrides,  # type: ignore[arg-type]  # settings fields by name
        )

    def grant(self, grants: Sequence[Grant]) -> None:
        """Add the grants with Kafka's own kafka-acls tool, as the admin user."""
        lines = "\n".join(shlex.join(grant.acl_args()) for grant in grants) + "\n"
        _script("acls", port=self.port, stdin=lines)


@pytest.fixture(scope="session")
def secured_kafka() -> Iterator[SecuredKafka]:
    port = SECURED_KAFKA_PORT
    already_running = _script("status", port=port, check=False).returncode == 0
    started = _script("start", port=port, check=False)
    if started.returncode != 0:
        pytest.fail(f"the secured broker did not start:\n{started.stderr}")
    secrets = Path(_script("secrets", port=port).stdout.strip())
    passwords = dict(line.split("=", 1) for line in (secrets / "users.env").read_text().split())
    yield SecuredKafka(f"localhost:{port}", port, secrets, passwords)
    if not already_running:
        _script("stop", port=port, check=False)
