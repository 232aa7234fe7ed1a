"""The bench's figures as one table with each run's ratio to its bare limits, the targets, and the JSON file (pure)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from services.bench.stats import cost, ratio

# Targets from the issue: reported, never asserted.
CLEAN_DEDUP_TARGET = 1000.0
PIPELINE_VS_NER_TARGET = 0.9
P99_TARGET_MS = 1000.0
TAGGER_RSS_TARGET_MB = 600.0
TAG_VS_NER_TARGET = 0.85


def _per_raw(report: dict[str, Any], stage: str) -> float:
    """How many records `stage` gets per raw event of the pipeline sample."""
    compute = report["compute"]
    if stage == "clean":
        return 1.0
    if stage == "dedup":
        return float(compute["dedup"]["records"]) / max(1.0, float(compute["clean"]["records"]))
    model = report.get("model") or {}
    return float(model.get("unique_share_of_pipeline_sample", 1.0))


def compute_limit(report: dict[str, Any], target: str, processes: int) -> float | None:
    """Articles/s of the stage function(s) in memory, scaled by the cores the run could use (ideal scaling)."""
    compute = report["compute"]
    cores = max(1, min(processes, int(report["machine"]["cpu_count"] or 1)))
    if target in compute:
        return float(compute[target]["articles_per_s"]) * cores
    stages = {"pipeline": ("clean", "dedup", "tag"), "clean-dedup": ("clean", "dedup")}.get(target)
    if not stages or any(stage not in compute or not compute[stage]["articles_per_s"] for stage in stages):
        return None
    seconds_per_raw = sum(_per_raw(report, stage) / float(compute[stage]["articles_per_s"]) for stage in stages)
    all_cores = max(1, min(2, int(report["machine"]["cpu_count"] or 1)))
    return all_cores / seconds_per_raw


def model_limit(report: dict[str, Any], target: str, processes: int) -> float | None:
    """Bare NER articles/s (tag: one core per worker; pipeline: every core, in raw events/s)."""
    model = report.get("model")
    if not model or target not in ("tag", "pipeline"):
        return None
    if target == "tag":
        return float(model["one_core"]["articles_per_s"] if processes == 1 else model["all_cores"]["articles_per_s"])
    share = float(model["unique_share_of_pipeline_sample"]) or 1.0
    return float(model["all_cores"]["articles_per_s"]) / share


def transport_limit(report: dict[str, Any], target: str, client: str) -> float | None:
    for figure in report["transport"].get(target, []):
        if figure["client"] == client:
            return float(figure["articles_per_s"])
    return None


def _peak(figure: dict[str, Any], roles: tuple[str, ...] = ("stage", "worker")) -> float | None:
    values = [float(entry["peak_rss_mb"]) for entry in figure["peak_rss"] if entry["role"] in roles]
    return max(values) if values else None


def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per saturation run: its throughput and its ratio to each bare limit."""
    table = []
    for target, runs in report["runs"].items():
        for figure in runs["saturation"]:
            measured = float(figure["articles_per_s"])
            processes = int(figure["processes"])
            limits = {
                "compute": compute_limit(report, target, processes),
                "model": model_limit(report, target, processes),
                "aiokafka": transport_limit(report, target, f"aiokafka-{figure['delivery']}"),
                "kcat": transport_limit(report, target, "kcat-pipe"),
            }
            row: dict[str, Any] = {
                "run": figure["config"],
                "target": target,
                "processes": processes,
                "delivery": figure["delivery"],
                "articles": figure["articles"],
                "complete": figure["complete"],
                "articles_per_s": measured,
                "mb_per_s": figure["mb_per_s"],
                "peak_rss_mb": _peak(figure),
            }
            for name, limit in limits.items():
                row[f"{name}_limit"] = limit
                row[f"vs_{name}"] = ratio(measured, limit)
            table.append(row)
    return table


def _find(report: dict[str, Any], target: str, processes: int, delivery: str) -> float | None:
    for figure in report["runs"].get(target, {}).get("saturation", []):
        if figure["processes"] == processes and figure["delivery"] == delivery:
            return float(figure["articles_per_s"])
    return None


def scaling(report: dict[str, Any]) -> dict[str, float | None]:
    """Speedup of 2 processes (tag: 2 workers) over 1, exactly-once."""
    return {
        target: ratio(_find(report, target, 2, "exactly-once"), _find(report, target, 1, "exactly-once"))
        for target in report["runs"]
        if _find(report, target, 2, "exactly-once") is not None and _find(report, target, 1, "exactly-once") is not None
    }


def delivery_cost(report: dict[str, Any]) -> dict[str, float | None]:
    """Throughput lost to exactly-once against at-least-once, same processes, same input."""
    costs: dict[str, float | None] = {}
    for target, runs in report["runs"].items():
        for figure in runs["saturation"]:
            if figure["delivery"] == "at-least-once":
                costs[target] = cost(float(figure["articles_per_s"]), _find(report, target, int(figure["processes"]), "exactly-once"))
    return costs


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets: what was measured against each, and whether it was met (None: not measured)."""
    found: list[dict[str, Any]] = []
    front = _find(report, "clean-dedup", 1, "exactly-once")
    found.append({"target": f"clean + dedup >= {CLEAN_DEDUP_TARGET:.0f} articles/s end to end", "measured": front})
    vs_ner = next((row["vs_model"] for row in rows(report) if row["target"] == "pipeline" and row["delivery"] == "exactly-once"), None)
    found.append({"target": f"pipeline >= {PIPELINE_VS_NER_TARGET:.0%} of bare NER on every core", "measured": vs_ner})
    for target, runs in report["runs"].items():
        if runs.get("latency"):
            p99 = runs["latency"]["to_reader"]["p99_ms"]
            found.append({"target": f"{target}: p99 end to end <= {P99_TARGET_MS:.0f} ms at half of saturation", "measured": p99})
    worker_peaks = [
        float(entry["peak_rss_mb"])
        for name in ("tag", "pipeline")
        for figure in report["runs"].get(name, {}).get("saturation", [])
        for entry in figure["peak_rss"]
        if entry["role"] in ("stage", "worker") and entry["process"].startswith("tag")
    ]
    found.append(
        {"target": f"tagger RSS <= {TAGGER_RSS_TARGET_MB:.0f} MB per process", "measured": max(worker_peaks) if worker_peaks else None}
    )
    for language, figures in ((report.get("model") or {}).get("per_model") or {}).items():
        found.append(
            {
                "target": f"tag stage ({language}) >= {TAG_VS_NER_TARGET:.0%} of bare NER on the same bodies",
                "measured": figures["stage_vs_bare"],
            }
        )
    for entry in found:
        entry["met"] = _met(entry["target"], entry["measured"])
    return found


def _met(name: str, measured: float | None) -> bool | None:
    if measured is None or (isinstance(measured, float) and math.isnan(measured)):
        return None
    if name.startswith("clean + dedup"):
        return measured >= CLEAN_DEDUP_TARGET
    if name.startswith("pipeline >="):
        return measured >= PIPELINE_VS_NER_TARGET
    if name.startswith("tag stage"):
        return measured >= TAG_VS_NER_TARGET
    if "p99" in name:
        return measured <= P99_TARGET_MS
    return measured <= TAGGER_RSS_TARGET_MB


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its derived figures (table rows, speedups, delivery cost, targets) added."""
    return report | {"table": rows(report), "scaling": scaling(report), "delivery_cost": delivery_cost(report), "targets": targets(report)}


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _ms(summary: dict[str, float | None]) -> str:
    return "/".join(_num(summary[name], 0) for name in ("p50_ms", "p95_ms", "p99_ms"))


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


_COLUMNS = (
    ("run", 22),
    ("art/s", 9),
    ("MB/s", 7),
    ("compute", 9),
    ("÷comp", 6),
    ("bare NER", 9),
    ("÷NER", 6),
    ("aiokafka", 9),
    ("÷aio", 6),
    ("kcat", 9),
    ("÷kcat", 6),
    ("RSS MB", 7),
)


def render(summary: dict[str, Any]) -> str:
    """The table, then scaling, delivery cost, latency, limits and targets, as plain text."""
    head = " ".join(f"{name:<{width}}" if index == 0 else f"{name:>{width}}" for index, (name, width) in enumerate(_COLUMNS))
    lines = [head, "-" * len(head)]
    for row in summary["table"]:
        cells = [
            row["run"] + ("" if row["complete"] else " (incomplete)"),
            _num(row["articles_per_s"]),
            _num(row["mb_per_s"], 2),
            _num(row["compute_limit"]),
            _times(row["vs_compute"]),
            _num(row["model_limit"]),
            _times(row["vs_model"]),
            _num(row["aiokafka_limit"]),
            _times(row["vs_aiokafka"]),
            _num(row["kcat_limit"]),
            _times(row["vs_kcat"]),
            _num(row["peak_rss_mb"], 0),
        ]
        lines.append(
            " ".join(
                f"{cell:<{width}}" if index == 0 else f"{cell:>{width}}"
                for index, (cell, (_, width)) in enumerate(zip(cells, _COLUMNS, strict=True))
            )
        )
    lines.append("")
    for runs in summary["runs"].values():
        for figure in runs["saturation"]:
            shares = ", ".join(f"{name} {share:.2f}" for name, share in figure.get("cpu_busy", {}).items() if share >= 0.01)
            lines.append(f"cpu busy {figure['config']} (share of a core over the run): {shares or '-'}")
    lines.append("speedup 2 vs 1 process (tag: workers): " + (", ".join(f"{t} {_times(v)}" for t, v in summary["scaling"].items()) or "-"))
    lines.append(
        "exactly-once cost vs at-least-once: "
        + (", ".join(f"{t} {_num(None if v is None else v * 100)}%" for t, v in summary["delivery_cost"].items()) or "-")
    )
    for runs in summary["runs"].values():
        figure = runs.get("latency")
        if figure:
            reader, publish = figure["to_reader"], figure["to_publish"]
            lines.append(
                f"latency {figure['config']} at {figure['offered_per_s']}/s ({int(reader['samples'])} articles): "
                f"p50/p95/p99 {_ms(reader)} ms to a read_committed reader, {_ms(publish)} ms to the output's timestamp"
            )
    for target, figures in summary["transport"].items():
        lines.append(
            f"transport {target}: "
            + ", ".join(f"{f['client']} {_num(f['articles_per_s'])}/s {_num(f['mb_per_s'], 1)} MB/s" for f in figures)
        )
    model = summary.get("model")
    if model:
        one, every = model["one_core"], model["all_cores"]
        lines.append(
            f"bare NER: {_num(one['articles_per_s'])} articles/s ({_num(one['tokens_per_s'], 0)} tokens/s) on one core, "
            f"{_num(every['articles_per_s'])} articles/s on {int(every['processes'])} processes at once"
        )
        for language, figures in model.get("per_model", {}).items():
            rounds = "/".join(_num(share, 2) for share in figures["stage_vs_bare_per_round"])
            share = _num(figures["stage_vs_bare"], 2)
            lines.append(
                f"model {language}: {_num(figures['model_rss_mb'], 1)} MB resident; tag stage {share} of bare NER "
                f"(CPU {_num(figures['stage_vs_bare_cpu'], 2)}; rounds {rounds}) side by side on {figures['texts']} bodies "
                f"({figures['bodies']}): {_num(figures['stage_tokens_per_s'], 0)} against {_num(figures['bare_tokens_per_s'], 0)} tokens/s"
            )
    lines.append("")
    for entry in summary["targets"]:
        verdict = {True: "met", False: "missed", None: "not measured"}[entry["met"]]
        lines.append(f"target {entry['target']}: {_num(entry['measured'], 2)} -> {verdict}")
    machine, corpus = summary["machine"], summary["corpus"]
    load = (
        f"; load average {machine['load_avg_1m_at_start']} at start, {machine['load_avg_1m_at_end']} at end"
        if "load_avg_1m_at_end" in machine
        else ""
    )
    lines.append(f"machine: {machine['cpu_count']} x {machine['cpu_model']}, Python {machine['python']}, Kafka {machine['kafka']}{load}")
    lines.append(
        f"corpus: {corpus['articles']} articles ({corpus['html_share']:.0%} HTML, "
        f"{corpus['duplicate_share_planned']:.0%} duplicates planned, {corpus['duplicate_share_found']:.0%} found), "
        f"{corpus['mean_bytes'] / 1024:.0f} KiB mean; tagger and pipeline runs on the first {corpus['tag_sample_raw_events']} "
        f"({corpus['tag_sample_unique_articles']} unique articles, {corpus['mean_unique_words']:.0f} words mean)"
    )
    return "\n".join(lines)


def write_json(summary: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2, sort_keys=False, allow_nan=False, default=_finite) + "\n", encoding="utf-8")


def _finite(value: object) -> object:
    raise TypeError(f"not JSON: {type(value).__name__}")
