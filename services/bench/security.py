"""The cost of security, side by side in one run: the same corpus through a plaintext broker and a SASL_SSL one.

Both brokers are the project's local single-node Kafka; the secured one speaks SCRAM-SHA-512 over TLS with the
StandardAuthorizer, and every stage runs as its own principal with only the ACLs `newsflow acls` lists. Rounds
alternate plaintext and secured, so a drift of the shared machine's load does not land on one side only.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from services.acls import merged, pipeline_grants
from services.bench.compute import Encoded
from services.bench.corpus import CorpusSpec, build_corpus
from services.bench.kafka_io import delete_topics_with_prefix, ensure_topics, preload
from services.bench.machine import describe_machine
from services.bench.runs import Bench, Config, saturation
from services.bench.sources import load_sources
from services.bench.stats import cost
from services.bench.suite import TRANSPORT_MIN_RECORDS, cycled
from services.bench.transport import aiokafka_passthrough
from services.ops.local_broker import SecuredLocalKafka
from services.settings import Settings
from services.topics import STAGE_ORDER, Topics

CONFIGS = (Config("clean-dedup", 1), Config("pipeline", 2))


@dataclass(frozen=True)
class SecurityPlan:
    articles: int
    tag_articles: int
    rounds: int
    run_timeout_s: float = 900.0


def _say(out: TextIO, text: str) -> None:
    out.write(f"[bench-security {time.strftime('%H:%M:%S')}] {text}\n")
    out.flush()


def _benches(settings: Settings, plaintext: str, secured: SecuredLocalKafka, rounds: int, work_dir: Path) -> list[tuple[str, Bench]]:
    """Plaintext and secured benches, alternating; secured ones connect as admin and run each stage as its own user."""
    run_id = uuid.uuid4().hex[:8]
    stage_security = {stage: secured.environment(stage) for stage in STAGE_ORDER}
    admin = secured.settings_for(settings, "admin")
    benches = []
    for number in range(rounds):
        benches.append(("plaintext", Bench(settings, plaintext, f"{run_id}-p{number}", work_dir)))
        benches.append(("sasl_ssl", Bench(admin, secured.bootstrap, f"{run_id}-s{number}", work_dir, stage_security)))
    return benches


def _grant_secured(benches: list[tuple[str, Bench]], secured: SecuredLocalKafka) -> int:
    """Every secured run's stage ACLs, literal names as in production, merged into one kafka-acls run per principal and kind."""
    grants = []
    for mode, bench in benches:
        if mode == "sasl_ssl":
            for config in CONFIGS:
                prefix = bench.prefix(config.label)
                grants.extend(pipeline_grants(Topics(prefix), f"{prefix}group"))
    runs = merged(grants)
    secured.grant(runs)
    return len(runs)


async def _transport(bench: Bench, records: list[Encoded]) -> dict[str, Any]:
    """aiokafka consume -> produce in transactions, unchanged records: the wire and broker cost alone."""
    prefix = bench.prefix("transport")
    source, sink = f"{prefix}in", f"{prefix}out"
    await ensure_topics(bench.settings, bench.bootstrap, [source, sink])
    await preload(bench.settings, bench.bootstrap, source, records)
    size = sum(len(record.value) for record in records)
    return await aiokafka_passthrough(
        bench.settings, bench.bootstrap, source, sink, records=len(records), size=size, group=f"{prefix}group", exactly_once=True
    )


async def run_security_bench(
    plan: SecurityPlan,
    settings: Settings,
    plaintext: str,
    secured: SecuredLocalKafka,
    *,
    data_dir: Path,
    seeds_dir: Path,
    work_dir: Path,
    out: TextIO,
) -> dict[str, Any]:
    """Transport and saturation runs (clean + dedup, whole pipeline) on both brokers; returns the figures and the ratios."""
    started = time.time()
    corpus = build_corpus(load_sources(data_dir, seeds_dir), CorpusSpec(articles=plan.articles))
    raw = [Encoded(event.article_id.encode("utf-8"), event.value) for event in corpus.events]
    inputs = {"clean-dedup": raw, "pipeline": raw[: plan.tag_articles]}
    benches = _benches(settings, plaintext, secured, plan.rounds, work_dir)
    _say(out, f"granting the secured runs' stage ACLs with kafka-acls ({secured.bootstrap})")
    acl_runs = _grant_secured(benches, secured)
    report: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "machine": describe_machine(plaintext) | {"load_avg_1m_at_start": round(os.getloadavg()[0], 2)},
        "corpus": corpus.describe() | {"pipeline_raw_events": len(inputs["pipeline"])},
        "kafka_acls_runs": acl_runs,
        "runs": [],
    }
    try:
        for mode, bench in benches:
            records = cycled(raw, TRANSPORT_MIN_RECORDS)
            _say(out, f"{mode}: transport, {len(records)} records through aiokafka in transactions")
            report["runs"].append({"mode": mode, "run": "transport"} | await _transport(bench, records))
            for config in CONFIGS:
                _say(out, f"{mode}: saturation {config.label} on {len(inputs[config.target])} raw events")
                figure = await saturation(bench, config, inputs[config.target], plan.run_timeout_s)
                _say(out, f"  {figure['articles_per_s']} articles/s ({figure['accounted']}/{figure['articles']} accounted)")
                report["runs"].append({"mode": mode, "run": config.label} | figure)
    finally:
        for _, bench in benches:
            await delete_topics_with_prefix(bench.settings, bench.bootstrap, bench.prefix("")[:-1])
    report["summary"] = summarise(report["runs"])
    report["seconds"] = round(time.time() - started, 1)
    report["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    return report


def _throughput(figure: dict[str, Any]) -> float:
    return float(figure.get("articles_per_s") or figure.get("records_per_s") or 0.0)


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per run kind: mean throughput on each broker, and what security costs in each round (plaintext and secured run
    next to each other), as the share of plaintext throughput lost; a drift of the machine's load between rounds then
    cancels out within each pair."""
    kinds = sorted({run["run"] for run in runs}, key=[run["run"] for run in runs].index)
    rows = []
    for kind in kinds:
        plain = [_throughput(run) for run in runs if run["run"] == kind and run["mode"] == "plaintext"]
        secured = [_throughput(run) for run in runs if run["run"] == kind and run["mode"] == "sasl_ssl"]
        per_round = [cost(p, s) for p, s in zip(plain, secured, strict=False)]
        rows.append(
            {
                "run": kind,
                "unit": "records/s" if kind == "transport" else "articles/s",
                "plaintext": round(sum(plain) / len(plain), 2) if plain else 0.0,
                "sasl_ssl": round(sum(secured) / len(secured), 2) if secured else 0.0,
                "security_cost_per_round": [None if c is None else round(c, 4) for c in per_round],
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| run | plaintext (mean) | SASL_SSL, SCRAM-SHA-512, ACLs (mean) | cost of security, each round |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        shares = ", ".join("n/a" if c is None else f"{c * 100:.1f}%" for c in row["security_cost_per_round"])
        lines.append(f"| {row['run']} | {row['plaintext']:,} {row['unit']} | {row['sasl_ssl']:,} {row['unit']} | {shares} |")
    return "\n".join(lines)
