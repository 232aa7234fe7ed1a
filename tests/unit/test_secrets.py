"""Secrets in settings are never shown: not in the settings' repr, not in any log line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
