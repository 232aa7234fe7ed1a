"""Stage processes on Kafka: throughput at saturation and latency at a fixed offered load, for one configuration."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.bench.compute import Encoded
from services.bench.kafka_io import Accountant, ensure_topics, preload, produce_paced
from services.bench.processes import ProcessGroup, StageProcess, stage_environment
from services.bench.stats import latency_summary, rate
from services.settings import Settings
from services.topics import CLEAN, DLQ, DUPLICATES, ENRICHED, STAGE_ORDER, UNIQUE, Topics

# What a target's inputs all come out on, once each: the topics the bench reads to account for them.
OUTPUTS = {
    "clean": (CLEAN, DLQ),
    "dedup": (UNIQUE, DUPLICATES, DLQ),
    "tag": (ENRICHED, DLQ),
    "clean-dedup": (UNIQUE, DUPLICATES, DLQ),
    "pipeline": (ENRICHED, DUPLICATES, DLQ),
}
READY_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Config:
    """What runs: a stage (or the pipeline), with how many processes, under which delivery."""

    target: str
    processes: int = 1
    delivery: str = "exactly-once"

    @property
    def label(self) -> str:
        short = "eos" if self.delivery == "exactly-once" else "alo"
        return f"{self.target}-{self.processes}p-{short}"

    def input_stage(self) -> str:
        return "clean" if self.target in ("pipeline", "clean-dedup") else self.target


@dataclass(frozen=True)
class Bench:
    """Where the runs go: the broker, settings, a run id for unique topics and groups, a folder for process logs."""

    settings: Settings
    bootstrap: str
    run_id: str
    work_dir: Path
    # Extra environment of each stage's processes, by stage: on a secured broker, each stage's own credentials.
    stage_security: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def prefix(self, label: str) -> str:
        return f"bench-{self.run_id}-{label}."


def _processes(bench: Bench, config: Config, prefix: str, log_dir: Path) -> ProcessGroup:
    """`newsflow run --stage X` per instance; the tagger scales by worker processes instead of instances."""
    stages: list[tuple[str, int]]
    if config.target == "pipeline":
        stages = [(name, config.processes if name == "tag" else 0) for name in STAGE_ORDER]
    elif config.target == "clean-dedup":
        stages = [("clean", 0), ("dedup", 0)]
    elif config.target == "tag":
        stages = [("tag", config.processes)]
    else:
        stages = [(config.target, 0)] * config.processes
    members = []
    for number, (stage, workers) in enumerate(stages):
        name = f"{stage}-{number}"
        environment = stage_environment(bench.bootstrap, prefix, delivery=config.delivery, instance=f"{prefix}{name}", tag_workers=workers)
        environment.update(bench.stage_security.get(stage, {}))
        members.append(StageProcess(environment, log_dir / f"{name}.log", stage, name))
    return ProcessGroup(members)


async def _prepared(bench: Bench, config: Config, suffix: str) -> tuple[Topics, ProcessGroup, Accountant]:
    label = f"{config.label}{suffix}"
    topics = Topics(bench.prefix(label))
    await ensure_topics(bench.settings, bench.bootstrap, topics.all())
    log_dir = bench.work_dir / label
    log_dir.mkdir(parents=True, exist_ok=True)
    group = _processes(bench, config, topics.prefix, log_dir)
    accountant = Accountant(bench.settings, bench.bootstrap, [topics.name(base) for base in OUTPUTS[config.target]])
    return topics, group, accountant


def distinct_keys(inputs: Sequence[Encoded]) -> int:
    """How many keys the outputs are accounted by: inputs that share a key come out under one, so waiting for more never ends."""
    return len({record.key for record in inputs})


def busy_shares(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], seconds: float) -> dict[str, float]:
    """Each process's CPU seconds over the run as a share of one core (1.0 = busy all the time), by name and role."""
    shares: dict[str, float] = {}
    for pid, (name, used) in sorted(after.items()):
        earlier = before.get(pid, (name, 0.0))[1]
        label = name if name not in shares else f"{name} {pid}"
        shares[label] = round((used - earlier) / seconds, 3) if seconds > 0 else 0.0
    return shares


async def saturation(bench: Bench, config: Config, inputs: Sequence[Encoded], timeout_s: float) -> dict[str, Any]:
    """Processes started and ready on an empty input topic, then the whole input loaded at once: time until every input came out."""
    topics, group, accountant = await _prepared(bench, config, "")
    group.start()
    try:
        await accountant.start()
        await asyncio.to_thread(group.wait_ready, READY_TIMEOUT_S)
        cpu_before = group.cpu()
        started = time.time()
        load_s = await preload(bench.settings, bench.bootstrap, topics.input_of(config.input_stage()), inputs)
        complete = await accountant.until(distinct_keys(inputs), timeout_s)
        outputs = accountant.outputs
        finished = max(outputs.received_at.values(), default=time.time())
        seconds = finished - started
        memory = group.peak_rss()
        busy = busy_shares(cpu_before, group.cpu(), seconds)
    finally:
        await accountant.stop()
        await asyncio.to_thread(group.stop)
    size = sum(len(record.value) for record in inputs)
    return {
        "config": config.label,
        "target": config.target,
        "processes": config.processes,
        "delivery": config.delivery,
        "articles": len(inputs),
        "accounted": len(outputs.received_at),
        "complete": complete,
        "output_records": outputs.records,
        "outputs_per_topic": {name.removeprefix(topics.prefix): count for name, count in sorted(outputs.per_topic.items())},
        "input_bytes": size,
        "load_s": round(load_s, 3),
        "seconds": round(seconds, 3),
        "articles_per_s": round(rate(len(outputs.received_at), seconds), 2),
        "mb_per_s": round(rate(size / 2**20, seconds), 3),
        "peak_rss": memory,
        "cpu_busy": busy,
        "load_avg_1m_after": round(os.getloadavg()[0], 2),  # the machine is shared: how busy it was
    }


async def latency(bench: Bench, config: Config, inputs: Sequence[Encoded], offered_per_s: float, timeout_s: float) -> dict[str, Any]:
    """Inputs sent at a paced rate, each stamped with its send time; latency to the output's timestamp and to a read_committed reader."""
    topics, group, accountant = await _prepared(bench, config, "-latency")
    group.start()
    try:
        await accountant.start()
        await asyncio.to_thread(group.wait_ready, READY_TIMEOUT_S)
        send = produce_paced(bench.settings, bench.bootstrap, topics.input_of(config.input_stage()), inputs, offered_per_s)
        sent, complete = await asyncio.gather(send, accountant.until(distinct_keys(inputs), timeout_s + len(inputs) / offered_per_s))
    finally:
        await accountant.stop()
        await asyncio.to_thread(group.stop)
    outputs = accountant.outputs
    visible = [outputs.received_at[key] - at for key, at in sent.items() if key in outputs.received_at]
    published = [outputs.log_time[key] - at for key, at in sent.items() if key in outputs.log_time]
    return {
        "config": config.label,
        "target": config.target,
        "offered_per_s": round(offered_per_s, 2),
        "articles": len(inputs),
        "complete": complete,
        "to_reader": latency_summary(visible),
        "to_publish": latency_summary(published),
    }
