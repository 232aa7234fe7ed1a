"""The whole bench in one run: corpus, bare limits (compute, model, transport) and stage processes, side by side."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from services.bench.compute import Encoded, StageRun, run_offline
from services.bench.corpus import Corpus, CorpusSpec, build_corpus
from services.bench.kafka_io import delete_topics_with_prefix, ensure_topics, preload
from services.bench.machine import describe_machine
from services.bench.ner import bare_ner_one_core, bare_ner_parallel, per_article, per_model
from services.bench.runs import Bench, Config, latency, saturation
from services.bench.sources import load_sources
from services.bench.stats import rate
from services.bench.transport import aiokafka_passthrough, kcat_runs
from services.settings import Settings
from services.tag.options import TagOptions
from services.topics import DUPLICATES, UNIQUE

TRANSPORT_MIN_RECORDS = 3000
TARGETS = ("clean", "dedup", "clean-dedup", "tag", "pipeline")
# Targets measured at saturation only, once: they answer one question (clean + dedup end to end).
_SATURATION_ONLY = ("clean-dedup",)


@dataclass(frozen=True)
class Plan:
    """What one bench run measures, and on how much data."""

    targets: tuple[str, ...] = TARGETS
    corpus: CorpusSpec = field(default_factory=lambda: CorpusSpec(articles=1500))
    tag_articles: int = 300  # the first raw events whose unique articles feed the tagger and the pipeline
    transport: bool = True
    scaling: bool = True  # 1 and 2 processes (tag: workers)
    delivery_cost: bool = True  # at-least-once beside exactly-once
    latency_seconds: float = 15.0
    load_fraction: float = 0.5
    run_timeout_s: float = 600.0
    keep_topics: bool = False


@dataclass(frozen=True)
class Inputs:
    """Each target's input records, derived from the corpus by the stages in memory, and the compute figures."""

    per_target: dict[str, list[Encoded]]
    compute: dict[str, StageRun]
    unique_share_of_sample: float


def _say(out: TextIO, text: str) -> None:
    out.write(f"[bench {time.strftime('%H:%M:%S')}] {text}\n")
    out.flush()


def derive_inputs(corpus: Corpus, plan: Plan, settings: Settings, out: TextIO) -> Inputs:
    raw = [Encoded(event.article_id.encode("utf-8"), event.value) for event in corpus.events]
    runs: dict[str, StageRun] = {}
    _say(out, f"compute: clean over {len(raw)} raw events in memory")
    runs["clean"] = run_offline("clean", raw, settings)
    _say(out, f"compute: dedup over {len(runs['clean'].handed_on)} clean articles in memory")
    runs["dedup"] = run_offline("dedup", runs["clean"].handed_on, settings)
    sample_keys = {record.key for record in raw[: plan.tag_articles]}
    tag_inputs = [record for record in runs["dedup"].handed_on if record.key in sample_keys]
    if {"tag", "pipeline"} & set(plan.targets):
        _say(out, f"compute: tag over {len(tag_inputs)} unique articles in memory (one core)")
        runs["tag"] = run_offline("tag", tag_inputs, settings)
    per_target = {
        "clean": raw,
        "dedup": runs["clean"].handed_on,
        "clean-dedup": raw,
        "tag": tag_inputs,
        "pipeline": raw[: plan.tag_articles],
    }
    return Inputs(per_target, runs, len(tag_inputs) / max(1, min(plan.tag_articles, len(raw))))


def model_limits(inputs: Inputs, settings: Settings, out: TextIO) -> dict[str, Any]:
    """Bare NER over the bodies the tagger runs a model on (articles in a loaded language, each by its model), per unique article."""
    articles = [json.loads(record.value) for record in inputs.per_target["tag"]]
    default = TagOptions().default_language
    languages = [str(a.get("language") or default) for a in articles]
    texts = [(lang, str(a["body"])) for lang, a in zip(languages, articles, strict=True) if lang in settings.tag_languages]
    processes = max(1, min(2, os.cpu_count() or 1))
    _say(out, f"model: bare spaCy NER over {len(texts)} bodies (of {len(articles)}), one core, then {processes} processes at once")
    share = len(texts) / max(1, len(articles))
    one = per_article(bare_ner_one_core(texts), share)
    every = per_article(bare_ner_parallel(texts, processes), share)
    _say(out, f"model: each of {', '.join(settings.tag_languages)} alone on bodies in its language (memory; whole stage against bare NER)")
    models = per_model(settings.tag_languages, texts)
    return {
        "one_core": one,
        "all_cores": every,
        "per_model": models,
        "taggable_share": round(share, 4),
        "unique_share_of_pipeline_sample": round(inputs.unique_share_of_sample, 4),
    }


def cycled(records: Sequence[Encoded], at_least: int) -> list[Encoded]:
    """The records repeated in order until there are `at_least` of them (a short input would time only start-up)."""
    if not records:
        return []
    return [records[index % len(records)] for index in range(max(len(records), at_least))]


async def transport_limits(bench: Bench, target: str, given: Sequence[Encoded], out: TextIO) -> list[dict[str, Any]]:
    records = cycled(given, TRANSPORT_MIN_RECORDS)
    prefix = bench.prefix(f"transport-{target}")
    source = f"{prefix}in"
    sinks = [f"{prefix}{name}" for name in ("eos", "alo", "produce", "pipe")]
    await ensure_topics(bench.settings, bench.bootstrap, [source, *sinks])
    await preload(bench.settings, bench.bootstrap, source, records)
    size = sum(len(record.value) for record in records)
    _say(out, f"transport: {target} input ({len(records)} records, {size / 2**20:.1f} MB) through aiokafka and kcat")
    figures = []
    for exactly_once, sink in ((True, sinks[0]), (False, sinks[1])):
        group = f"{prefix}group.{sink.rsplit('.', 1)[-1]}"
        figures.append(
            await aiokafka_passthrough(
                bench.settings, bench.bootstrap, source, sink, records=len(records), size=size, group=group, exactly_once=exactly_once
            )
        )
    figures.extend(await asyncio.to_thread(kcat_runs, bench.settings, bench.bootstrap, source, prefix, records, work_dir=bench.work_dir))
    return figures


def _configs(target: str, plan: Plan) -> list[Config]:
    main = Config(target, 2 if target == "pipeline" else 1)
    configs = [main]
    if target in _SATURATION_ONLY:
        return configs
    if plan.scaling and target != "pipeline":
        configs.append(Config(target, 2))
    if plan.delivery_cost:
        configs.append(Config(target, main.processes, "at-least-once"))
    return configs


async def process_runs(bench: Bench, target: str, records: Sequence[Encoded], plan: Plan, out: TextIO) -> dict[str, Any]:
    results: dict[str, Any] = {"saturation": [], "latency": None}
    for config in _configs(target, plan):
        _say(out, f"saturation: {config.label} on {len(records)} records")
        figure = await saturation(bench, config, records, plan.run_timeout_s)
        _say(
            out,
            f"  {figure['articles_per_s']} articles/s, {figure['mb_per_s']} MB/s ({figure['accounted']}/{figure['articles']} accounted)",
        )
        results["saturation"].append(figure)
    main = results["saturation"][0]
    offered = main["articles_per_s"] * plan.load_fraction
    if offered > 0 and plan.latency_seconds > 0 and target not in _SATURATION_ONLY:
        count = max(10, min(len(records), round(offered * plan.latency_seconds)))
        _say(out, f"latency: {_configs(target, plan)[0].label}, {count} records at {offered:.1f}/s")
        results["latency"] = await latency(bench, _configs(target, plan)[0], records[:count], offered, plan.run_timeout_s)
    return results


async def run_bench(
    plan: Plan, settings: Settings, bootstrap: str, *, data_dir: Path, seeds_dir: Path, work_dir: Path, out: TextIO
) -> dict[str, Any]:
    """Every measurement of the plan, in one run; returns the report's figures."""
    started = time.time()
    bench = Bench(settings, bootstrap, uuid.uuid4().hex[:8], work_dir)
    _say(out, f"run {bench.run_id}: broker {bootstrap}, stage process logs in {work_dir}")
    corpus = build_corpus(load_sources(data_dir, seeds_dir), plan.corpus)
    _say(out, f"corpus: {json.dumps(corpus.describe())}")
    inputs = derive_inputs(corpus, plan, settings, out)
    dedup_counts = inputs.compute["dedup"].per_topic
    described = corpus.describe() | {
        "dead_lettered_by_clean": inputs.compute["clean"].per_topic.get("articles.dlq", 0),
        "duplicates_found": dedup_counts.get(DUPLICATES, 0),
        "duplicate_share_found": round(dedup_counts.get(DUPLICATES, 0) / max(1, len(corpus.events)), 4),
        "unique_articles": dedup_counts.get(UNIQUE, 0),
        "tag_sample_raw_events": len(inputs.per_target["pipeline"]),
        "tag_sample_unique_articles": len(inputs.per_target["tag"]),
        "mean_unique_words": _mean_words(inputs.per_target["tag"]),
    }
    report: dict[str, Any] = {
        "run_id": bench.run_id,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "machine": describe_machine(bootstrap) | {"load_avg_1m_at_start": round(os.getloadavg()[0], 2)},
        "corpus": described,
        "settings": {
            "batch_max_records": settings.batch_max_records,
            "batch_timeout_ms": settings.batch_timeout_ms,
            "topic_partitions": settings.topic_partitions,
            "tag_languages": settings.tag_languages,
            "load_fraction": plan.load_fraction,
        },
        "compute": {name: run.figure.as_dict() for name, run in inputs.compute.items()},
        "model": model_limits(inputs, settings, out) if {"tag", "pipeline"} & set(plan.targets) else None,
        "transport": {},
        "runs": {},
    }
    try:
        for target in plan.targets:
            records = inputs.per_target[target]
            if plan.transport and target not in _SATURATION_ONLY:
                report["transport"][target] = await transport_limits(bench, target, records, out)
            report["runs"][target] = await process_runs(bench, target, records, plan, out)
    finally:
        if not plan.keep_topics:
            deleted = await delete_topics_with_prefix(settings, bootstrap, bench.prefix("")[:-1])
            _say(out, f"deleted the run's {len(deleted)} topics")
    report["seconds"] = round(time.time() - started, 1)
    report["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    return report


def _mean_words(records: Sequence[Encoded]) -> float:
    words = [int(json.loads(record.value).get("word_count", 0)) for record in records]
    return round(rate(sum(words), len(words)), 1)
