"""The bench report: ratios to the bare limits, speedups, exactly-once cost, targets, the table and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.bench.report import compute_limit, model_limit, render, summarise, write_json


def _run(target: str, processes: int, delivery: str, per_s: float, rss: list[tuple[str, str, float]] | None = None) -> dict[str, Any]:
    short = "eos" if delivery == "exactly-once" else "alo"
    return {
        "config": f"{target}-{processes}p-{short}",
        "target": target,
        "processes": processes,
        "delivery": delivery,
        "articles": 100,
        "complete": True,
        "articles_per_s": per_s,
        "mb_per_s": per_s / 10,
        "peak_rss": [{"process": name, "pid": 1, "role": role, "peak_rss_mb": mb} for name, role, mb in rss or [("x-0", "stage", 100.0)]],
    }


def _latency(target: str, p99: float) -> dict[str, Any]:
    summary = {"samples": 20.0, "p50_ms": 100.0, "p95_ms": 200.0, "p99_ms": p99, "max_ms": p99}
    return {
        "config": f"{target}-1p-eos",
        "target": target,
        "offered_per_s": 5.0,
        "articles": 20,
        "complete": True,
        "to_reader": summary,
        "to_publish": summary,
    }


def _per_model(share: float) -> dict[str, Any]:
    return {
        "model_rss_mb": 35.0,
        "texts": 100,
        "bodies": "corpus",
        "bare_tokens_per_s": 10000.0,
        "stage_tokens_per_s": 10000.0 * share,
        "stage_vs_bare": share,
        "stage_vs_bare_cpu": share,
        "stage_vs_bare_per_round": [share, share],
    }


def _report() -> dict[str, Any]:
    transport = [
        {"client": "aiokafka-exactly-once", "articles_per_s": 400.0, "mb_per_s": 40.0},
        {"client": "aiokafka-at-least-once", "articles_per_s": 800.0, "mb_per_s": 80.0},
        {"client": "kcat-pipe", "articles_per_s": 1000.0, "mb_per_s": 100.0},
    ]
    return {
        "machine": {"cpu_count": 2, "cpu_model": "Test CPU", "python": "3.11", "kafka": "4.4.0"},
        "corpus": {
            "articles": 100,
            "html_share": 0.25,
            "duplicate_share_planned": 0.2,
            "duplicate_share_found": 0.19,
            "mean_bytes": 40960.0,
            "tag_sample_raw_events": 50,
            "tag_sample_unique_articles": 40,
            "mean_unique_words": 700.0,
        },
        "compute": {
            "clean": {"records": 100, "articles_per_s": 100.0},
            "dedup": {"records": 90, "articles_per_s": 900.0},
            "tag": {"records": 40, "articles_per_s": 10.0},
        },
        "model": {
            "one_core": {"articles_per_s": 12.0, "tokens_per_s": 10000.0},
            "all_cores": {"articles_per_s": 20.0, "processes": 2.0},
            "per_model": {
                "en": _per_model(0.8),
                "fr": {
                    "model_rss_mb": 66.5,
                    "texts": 160,
                    "bodies": "written for the bench",
                    "bare_tokens_per_s": 9000.0,
                    "stage_tokens_per_s": 8100.0,
                    "stage_vs_bare": 0.9,
                    "stage_vs_bare_cpu": 0.92,
                    "stage_vs_bare_per_round": [0.89, 0.91],
                },
            },
            "unique_share_of_pipeline_sample": 0.8,
        },
        "transport": {"clean": transport},
        "runs": {
            "clean": {
                "saturation": [
                    _run("clean", 1, "exactly-once", 80.0),
                    _run("clean", 2, "exactly-once", 120.0),
                    _run("clean", 1, "at-least-once", 100.0),
                ],
                "latency": _latency("clean", 400.0),
            },
            "clean-dedup": {"saturation": [_run("clean-dedup", 1, "exactly-once", 70.0)], "latency": None},
            "tag": {
                "saturation": [_run("tag", 2, "exactly-once", 18.0, [("tag-0", "stage", 150.0), ("tag-0", "worker", 420.0)])],
                "latency": None,
            },
            "pipeline": {
                "saturation": [_run("pipeline", 2, "exactly-once", 23.0, [("tag-2", "worker", 650.0)])],
                "latency": _latency("pipeline", 1200.0),
            },
        },
    }


def test_each_row_carries_its_ratio_to_every_bare_limit() -> None:
    rows = {row["run"]: row for row in summarise(_report())["table"]}
    clean = rows["clean-1p-eos"]
    assert clean["compute_limit"] == 100.0
    assert clean["vs_compute"] == pytest.approx(0.8)
    assert clean["vs_aiokafka"] == pytest.approx(0.2)  # against the exactly-once pass-through
    assert clean["vs_kcat"] == pytest.approx(0.08)
    assert clean["model_limit"] is None
    assert rows["clean-1p-alo"]["aiokafka_limit"] == 800.0
    assert rows["clean-2p-eos"]["compute_limit"] == 200.0  # two processes may use both cores


def test_compute_limit_of_a_chain_adds_the_seconds_each_stage_spends_per_raw_event() -> None:
    report = _report()
    # per raw event: 1/100 + 0.9/900 + 0.8/10 = 0.091 s on one core; both cores: 2 / 0.091
    assert compute_limit(report, "pipeline", 2) == pytest.approx(2 / 0.091)
    assert compute_limit(report, "clean-dedup", 1) == pytest.approx(2 / 0.011)


def test_model_limit_of_the_pipeline_is_in_raw_events_per_second() -> None:
    report = _report()
    assert model_limit(report, "pipeline", 2) == pytest.approx(20.0 / 0.8)
    assert model_limit(report, "tag", 1) == 12.0
    assert model_limit(report, "tag", 2) == 20.0
    assert model_limit(report, "clean", 1) is None


def test_speedup_and_exactly_once_cost() -> None:
    summary = summarise(_report())
    assert summary["scaling"] == {"clean": pytest.approx(1.5)}
    assert summary["delivery_cost"] == {"clean": pytest.approx(0.2)}


def test_targets_say_met_missed_or_not_measured() -> None:
    verdicts = {entry["target"]: (entry["measured"], entry["met"]) for entry in summarise(_report())["targets"]}
    assert verdicts["clean + dedup >= 1000 articles/s end to end"] == (70.0, False)
    assert verdicts["pipeline >= 90% of bare NER on every core"] == (pytest.approx(23.0 / 25.0), True)
    assert verdicts["clean: p99 end to end <= 1000 ms at half of saturation"] == (400.0, True)
    assert verdicts["pipeline: p99 end to end <= 1000 ms at half of saturation"] == (1200.0, False)
    assert verdicts["tagger RSS <= 600 MB per process"] == (650.0, False)
    assert verdicts["tag stage (fr) >= 85% of bare NER on the same bodies"] == (0.9, True)
    assert verdicts["tag stage (en) >= 85% of bare NER on the same bodies"] == (0.8, False)


def test_render_is_one_table_with_a_row_per_run_then_the_figures_around_it() -> None:
    text = render(summarise(_report()))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["run", "art/s", "MB/s"]
    assert any(line.startswith("clean-1p-eos") and "0.80x" in line for line in lines)
    assert "speedup 2 vs 1 process (tag: workers): clean 1.50x" in text
    assert "exactly-once cost vs at-least-once: clean 20.0%" in text
    assert "p50/p95/p99 100/200/1,200 ms" in text
    assert "machine: 2 x Test CPU, Python 3.11, Kafka 4.4.0" in text
    assert "-> missed" in text
    assert (
        "model fr: 66.5 MB resident; tag stage 0.90 of bare NER (CPU 0.92; rounds 0.89/0.91) side by side on 160 bodies "
        "(written for the bench): 8,100 against 9,000 tokens/s"
    ) in text


def test_json_holds_the_same_figures_and_the_machine(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    write_json(summarise(_report()), path)
    loaded = json.loads(path.read_text())
    assert {"machine", "corpus", "compute", "model", "transport", "runs", "table", "scaling", "delivery_cost", "targets"} <= set(loaded)
    assert loaded["machine"]["cpu_count"] == 2
    assert loaded["table"][0]["articles_per_s"] == 80.0
