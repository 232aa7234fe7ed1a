"""`newsflow process`: the stages over JSON lines, with no broker; prints what they would publish."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from prometheus_client import CollectorRegistry

from services.chassis.chain import Step, run_chain
from services.chassis.envelope import Inbound, Outbound
from services.chassis.metrics import Metrics
from services.messages import Lineage
from services.passthrough import CleanAsUnique, RawAsClean
from services.pipeline import make_runners, open_stages, parse_stage_names
from services.settings import Settings
from services.stage import Stage
from services.topics import STAGE_ORDER, Topics

_PASSTHROUGH: dict[str, type[RawAsClean | CleanAsUnique]] = {"clean": RawAsClean, "dedup": CleanAsUnique}


def chain(stages: Sequence[Stage[Any]]) -> list[tuple[Stage[Any], bool]]:
    """The stages to run, up to the last one asked for, with stand-ins for those left out; flag = publishes."""
    chosen = {stage.name: stage for stage in stages}
    last = max(STAGE_ORDER.index(name) for name in chosen)
    steps: list[tuple[Stage[Any], bool]] = []
    for name in STAGE_ORDER[: last + 1]:
        if name in chosen:
            steps.append((chosen[name], True))
        elif name in _PASSTHROUGH:
            steps.append((_PASSTHROUGH[name](), False))
    return steps


def raw_batches(lines: Iterable[bytes], topic: str, batch_size: int) -> Iterator[list[Inbound]]:
    """Non-blank lines as records of `topic`, partition 0, numbered from offset 0, in batches."""
    numbered = enumerate(line.rstrip(b"\r\n") for line in lines if line.strip())
    while chunk := list(itertools.islice(numbered, batch_size)):
        yield [Inbound(None, line, Lineage(topic=topic, partition=0, offset=offset)) for offset, line in chunk]


def write_jsonl(messages: Iterable[Outbound], out: TextIO) -> Counter[str]:
    """One `{"topic", "key", "value"}` line per message; returns the count per topic."""
    counts: Counter[str] = Counter()
    for message in messages:
        line = {"topic": message.topic, "key": message.key, "value": message.value.model_dump(mode="json")}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        counts[message.topic] += 1
    return counts


def _open_input(path: str) -> BinaryIO:
    # Bytes, not text: a line that is not UTF-8 must reach the decoder and be dead-lettered, not crash the reader.
    return sys.stdin.buffer if path == "-" else Path(path).open("rb")


def cmd_process(settings: Settings, args: argparse.Namespace) -> int:
    names = parse_stage_names(args.stages)
    settings = settings.for_offline_run()
    topics = Topics(settings.topic_prefix)
    metrics = Metrics(CollectorRegistry())
    source = _open_input(args.input)
    try:
        with open_stages(names, settings) as stages:
            stages_and_flags = chain(stages)
            runners = make_runners([stage for stage, _ in stages_and_flags], topics, metrics, settings)
            steps = [Step(runner, publishes) for runner, (_, publishes) in zip(runners, stages_and_flags, strict=True)]
            for batch in raw_batches(source, topics.input_of("clean"), settings.batch_max_records):
                write_jsonl(run_chain(steps, batch), sys.stdout)
            # At the end of input, the outputs stages still hold come out too.
            write_jsonl(run_chain(steps, [], drain=True), sys.stdout)
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return 0
