"""The bootstrap address: the configured one, or the local broker from deploy/kafka, started on demand."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import structlog

from services.acls import Grant
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
    environment = {**os.environ, "NEWSFLOW_LOCAL_KAFKA_PORT": str(settings.local_kafka_port)}
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


def _script(command: str, port: int, *, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return _script_args([command], port, stdin=stdin)


def _script_args(args: list[str], port: int, *, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NEWSFLOW_LOCAL_KAFKA_PORT": str(port), "NEWSFLOW_KAFKA_SECURITY": "sasl_ssl"}
    return subprocess.run(  # noqa: S603 - the project's own script, by absolute path
        [shutil.which("bash") or "/bin/bash", str(LOCAL_KAFKA_SCRIPT), *args],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@dataclass(frozen=True)
class SecuredLocalKafka:
    """The local secured broker (deploy/kafka, NEWSFLOW_KAFKA_SECURITY=sasl_ssl): its address, CA and users' passwords."""

    port: int
    secrets: Path
    passwords: dict[str, str]

    @property
    def bootstrap(self) -> str:
        return f"localhost:{self.port}"

    @property
    def ca_file(self) -> Path:
        return self.secrets / "ca.pem"

    def environment(self, user: str, *, password: str | None = None) -> dict[str, str]:
        """The variables a newsflow process needs to connect as `user`."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "NEWSFLOW_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSFLOW_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSFLOW_KAFKA_SASL_USERNAME": user,
            "NEWSFLOW_KAFKA_SASL_PASSWORD": self.passwords[user] if password is None else password,
            "NEWSFLOW_KAFKA_SSL_CAFILE": str(self.ca_file),
        }

    def settings_for(self, settings: Settings, user: str) -> Settings:
        """`settings` with this broker's security, connecting as `user`."""
        return settings.for_secured_broker(self.bootstrap, user, self.passwords[user], self.ca_file)

    def grant(self, grants: Sequence[Grant]) -> None:
        """Add the grants with Kafka's own kafka-acls tool, as the admin user."""
        lines = "".join(shlex.join(grant.acl_args()) + "\n" for grant in grants)
        completed = _script("acls", self.port, stdin=lines)
        if completed.returncode != 0:
            raise LocalKafkaError(f"kafka-acls failed:\n{completed.stderr}")

    def tool(self, name: str, *args: str) -> str:
        """Run one of Kafka's tools (`local-kafka.sh tool NAME`) as the admin user; returns what it printed."""
        command = ["tool", name, "--bootstrap-server", self.bootstrap, "--command-config", str(self.secrets / "admin.properties"), *args]
        completed = _script_args(command, self.port)
        if completed.returncode != 0:
            raise LocalKafkaError(f"{name} failed:\n{completed.stderr}")
        return completed.stdout

    def stop(self) -> None:
        _script("stop", self.port)


def start_secured_local_kafka(port: int) -> tuple[SecuredLocalKafka, bool]:
    """Start (or find running) the local secured broker on `port`; also says whether it was already running."""
    running = _script("status", port).returncode == 0
    started = _script("start", port)
    if started.returncode != 0:
        raise LocalKafkaError(f"the secured local broker did not start:\n{started.stderr}")
    secrets = Path(_script("secrets", port).stdout.strip())
    passwords = dict(line.split("=", 1) for line in (secrets / "users.env").read_text(encoding="utf-8").split())
    return SecuredLocalKafka(port, secrets, passwords), running
