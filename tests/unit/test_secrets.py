"""Secrets in settings are never shown: not in the settings' repr, not in any log line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.settings import Settings
from tests.conftest import REPO_ROOT

PASSWORD = "s3cr3t-kafka-pass"  # noqa: S105 - a made-up secret the test hunts for
REDIS_PASSWORD = "s3cr3t-redis-pass"  # noqa: S105 - a made-up secret the test hunts for


def test_secrets_are_masked_in_the_settings_repr() -> None:
    settings = Settings(kafka_sasl_password=SecretStr(PASSWORD), redis_url=SecretStr(f"redis://:{REDIS_PASSWORD}@redis:6379/0"))
    shown = repr(settings) + str(settings.model_dump())
    assert PASSWORD not in shown
    assert REDIS_PASSWORD not in shown
    assert settings.kafka_sasl_password is not None
    assert settings.kafka_sasl_password.get_secret_value() == PASSWORD


def test_no_log_line_carries_a_secret_even_at_debug_level() -> None:
    event = {"id": "a", "fetched_at": "2026-11-20T08:00:00Z", "text": "Body text of the article for the log test."}
    environment = {
        **os.environ,
        "NEWSFLOW_KAFKA_SASL_PASSWORD": PASSWORD,
        "NEWSFLOW_LOG_LEVEL": "debug",
        "NEWSFLOW_LOG_FORMAT": "json",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "services.cli", "process", "--stages", "dedup"],
        input=json.dumps(event).encode() + b"\n{broken\n",
        capture_output=True,
        check=True,
        cwd=REPO_ROOT,
        env=environment,
    )
    logs = completed.stderr.decode()
    assert '"event": "batch"' in logs  # the logs were really written, at debug level too
    assert '"event": "routed"' in logs
    assert PASSWORD not in logs
    assert PASSWORD not in completed.stdout.decode()


def test_secrets_can_come_from_files_as_docker_and_kubernetes_mount_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "password").write_text(PASSWORD + "\n")
    (tmp_path / "redis").write_text(f"rediss://:{REDIS_PASSWORD}@redis:6380/0\n")
    monkeypatch.setenv("NEWSFLOW_KAFKA_SASL_PASSWORD_FILE", str(tmp_path / "password"))
    monkeypatch.setenv("NEWSFLOW_REDIS_URL_FILE", str(tmp_path / "redis"))
    settings = Settings()
    assert settings.kafka_sasl_password is not None
    assert settings.kafka_sasl_password.get_secret_value() == PASSWORD  # the trailing newline of the file is not part of it
    assert settings.redis_url is not None
    assert settings.redis_url.get_secret_value().startswith("rediss://")
    assert PASSWORD not in repr(settings)


def test_a_password_given_directly_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "password").write_text("from-the-file")
    monkeypatch.setenv("NEWSFLOW_KAFKA_SASL_PASSWORD_FILE", str(tmp_path / "password"))
    monkeypatch.setenv("NEWSFLOW_KAFKA_SASL_PASSWORD", PASSWORD)
    assert Settings().kafka_sasl_password == SecretStr(PASSWORD)


def test_an_unreadable_secret_file_names_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_KAFKA_SASL_PASSWORD_FILE", str(tmp_path / "absent"))
    with pytest.raises(ValueError, match="kafka_sasl_password_file: cannot read"):
        Settings()
