"""Common mistakes end in one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

UNREACHABLE = "127.0.0.1:1"  # nothing listens on port 1


def _newsflow(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "KAFKA_BOOTSTRAP_SERVERS"}
    environment.update({"NEWSFLOW_LOG_FORMAT": "json", **env})
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _no_traceback(completed: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in completed.stderr, completed.stderr


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("produce", "seeds/nope.jsonl"), "seeds/nope.jsonl"),
        (("process", "--stages", "clean,dedup,tag", "seeds/nope.jsonl"), "seeds/nope.jsonl"),
        (("eval", "extraction", "/nonexistent"), "/nonexistent"),
    ],
)
def test_a_missing_file_is_one_line_naming_it(args: tuple[str, ...], names: str) -> None:
    completed = _newsflow(*args, KAFKA_BOOTSTRAP_SERVERS=UNREACHABLE)
    assert completed.returncode == 1
    _no_traceback(completed)
    [line] = completed.stderr.strip().splitlines()
    assert line.startswith("newsflow: ")
    assert names in line


def test_an_unknown_redrive_reason_is_refused_with_the_valid_ones() -> None:
    completed = _newsflow("dlq", "redrive", "--reason", "nonsense", KAFKA_BOOTSTRAP_SERVERS=UNREACHABLE)
    assert completed.returncode == 2
    _no_traceback(completed)
    assert "unknown --reason nonsense" in completed.stderr
    assert "payload_too_large" in completed.stderr


def test_run_without_a_bootstrap_says_so_and_exits() -> None:
    completed = _newsflow("run", "--stage", "clean")
    assert completed.returncode == 2
    _no_traceback(completed)
    assert "KAFKA_BOOTSTRAP_SERVERS is not set" in completed.stderr
    assert "--local-broker" in completed.stderr


def test_a_one_shot_command_against_an_unreachable_broker_is_one_line() -> None:
    completed = _newsflow("topics", "create", KAFKA_BOOTSTRAP_SERVERS=UNREACHABLE, NEWSFLOW_LOG_LEVEL="error")
    assert completed.returncode == 1
    _no_traceback(completed)
    [line] = [line for line in completed.stderr.strip().splitlines() if "kafka_connection_failed" in line]
    entry = json.loads(line)
    assert entry["bootstrap"] == UNREACHABLE
    assert "cannot reach 127.0.0.1:1" in entry["reason"]


def test_run_waits_for_the_broker_with_one_line_per_attempt_then_gives_up() -> None:
    completed = _newsflow(
        "run", "--stage", "clean", KAFKA_BOOTSTRAP_SERVERS=UNREACHABLE, NEWSFLOW_BROKER_WAIT_S="4", NEWSFLOW_HTTP_PORT="0"
    )
    assert completed.returncode == 1
    _no_traceback(completed)
    lines = completed.stderr.strip().splitlines()
    waits = [json.loads(line) for line in lines if '"broker_wait"' in line]
    assert len(waits) >= 2, "it tried more than once"
    assert [entry["attempt"] for entry in waits] == list(range(1, len(waits) + 1))
    assert lines[-1].startswith(f"newsflow: no Kafka broker answered at {UNREACHABLE} within 4s")
    assert len(lines) < 20, "library errors of the failed attempts are coalesced"
