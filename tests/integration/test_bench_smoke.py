"""`newsflow bench` end to end on a tiny corpus: it runs every part and writes valid JSON (not a measurement)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


@pytest.mark.timeout(240)
def test_bench_runs_end_to_end_and_writes_its_figures(kafka_bootstrap: str, tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    command = [
        sys.executable,
        "-m",
        "services.cli",
        "bench",
        "--quick",
        "--articles",
        "60",
        "--tag-articles",
        "12",
        "--stages",
        "clean,tag",
        "--latency-seconds",
        "2",
        "--json",
        str(output),
    ]
    environment = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap}
    completed = subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=220, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]

    figures = json.loads(output.read_text())
    rows = {row["run"]: row for row in figures["table"]}
    assert {"clean-1p-eos", "clean-1p-alo", "tag-1p-eos", "tag-1p-alo"} <= set(rows)
    assert all(row["complete"] and row["articles_per_s"] > 0 for row in rows.values())
    assert figures["corpus"]["articles"] == 60
    assert figures["machine"]["cpu_count"] >= 1
    assert figures["compute"]["clean"]["articles_per_s"] > 0
    assert figures["model"]["one_core"]["articles_per_s"] > 0
    assert all(model["model_rss_mb"] > 0 and model["stage_tokens_per_s"] > 0 for model in figures["model"]["per_model"].values())
    assert {f["client"] for f in figures["transport"]["clean"]} >= {"aiokafka-exactly-once", "aiokafka-at-least-once"}
    assert figures["runs"]["clean"]["latency"]["to_reader"]["samples"] > 0
    tagger_memory = [entry for entry in figures["runs"]["tag"]["saturation"][0]["peak_rss"] if entry["role"] == "worker"]
    assert tagger_memory, "the tagger's worker process is measured too"
    assert "run " in completed.stdout.splitlines()[0]
