"""The compute limit: each stage's StageRunner.run_batch over the encoded records in memory, no Kafka.

It also derives every stage's input from the corpus (what the stage before it publishes), so each stage
alone is pre-loaded with the very records it would read in the pipeline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry

from services.chassis.envelope import Inbound, Outbound
from services.chassis.metrics import Metrics
from services.messages import Lineage
from services.pipeline import make_runners, open_stages
from services.settings import Settings
from services.topics import STAGE_ORDER, Topics


@dataclass(frozen=True)
class Encoded:
    """A record as it sits on a topic."""

    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class ComputeFigure:
    """One stage over its input in this process: wall and CPU seconds (run_batch plus encoding the outputs)."""

    records: int
    input_bytes: int
    wall_s: float
    cpu_s: float

    def as_dict(self) -> dict[str, float]:
        return {
            "records": self.records,
            "input_bytes": self.input_bytes,
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "articles_per_s": round(self.records / self.wall_s, 2) if self.wall_s else 0.0,
            "mb_per_s": round(self.input_bytes / 2**20 / self.wall_s, 3) if self.wall_s else 0.0,
        }

    @property
    def articles_per_s(self) -> float:
        return self.records / self.wall_s if self.wall_s else 0.0


@dataclass(frozen=True)
class StageRun:
    """A stage's outputs in memory: what it hands the next stage, and how many went to each topic."""

    handed_on: list[Encoded]
    per_topic: dict[str, int]
    figure: ComputeFigure


def run_offline(stage: str, inputs: Sequence[Encoded], settings: Settings) -> StageRun:
    """One fresh stage over `inputs` in batches of `batch_max_records`, timed; its outputs for the next stage."""
    topics = Topics("bench.")
    source = topics.input_of(stage)
    position = STAGE_ORDER.index(stage) + 1
    next_input = topics.input_of(STAGE_ORDER[position]) if position < len(STAGE_ORDER) else None
    inbound = [Inbound(record.key, record.value, Lineage(topic=source, partition=0, offset=offset)) for offset, record in enumerate(inputs)]
    per_topic: dict[str, int] = {}
    handed_on: list[Encoded] = []
    size = settings.batch_max_records
    with open_stages([stage], settings.for_compute_bench()) as stages:
        [runner] = make_runners(stages, topics, Metrics(CollectorRegistry()), settings)
        wall = cpu = 0.0
        # After the last batch, an empty one ends the input: a stage that holds outputs (dedup's held verdicts) hands them on.
        batches = [inbound[start : start + size] for start in range(0, len(inbound), size)]
        for batch in [*batches, []]:
            wall_0, cpu_0 = time.perf_counter(), time.process_time()
            outbound: list[Outbound] = runner.run_batch(batch, drain=not batch)
            encoded = [(out, out.encoded()) for out in outbound]
            wall += time.perf_counter() - wall_0
            cpu += time.process_time() - cpu_0
            # As the service does once a batch is published: a stage may now forget what it released into it;
            # until then it releases the same outputs again with every batch.
            runner.delivered()
            for out, value in encoded:
                base = out.topic.removeprefix(topics.prefix)
                per_topic[base] = per_topic.get(base, 0) + 1
                if out.topic == next_input:
                    handed_on.append(Encoded(out.key.encode("utf-8"), value))
    figure = ComputeFigure(len(inputs), sum(len(record.value) for record in inputs), wall, cpu)
    return StageRun(handed_on, per_topic, figure)
