"""`newsflow process`: the stages over JSON lines, with no broker; prints what they would publish."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from services.chassis.envelope import Inbound, Outbound
from services.chassis.runner import StageRunner
from services.messages import Lineage
from services.passthrough import CleanAsUnique, RawAsClean
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


class OfflinePipeline:
    """Runs batches of raw lines through the chain, feeding each step the previous step's messages for it."""

    def __init__(self, runners: Sequence[tuple[StageRunner, bool]], topics: Topics) -> None:
        self._runners = runners
        self._topics = topics
        self._offsets: Counter[str] = Counter()

    def run(self, lines: Iterable[bytes], batch_size: int) -> Iterator[Outbound]:
        """Every message the stages publish for the lines; at the end of input, the outputs stages still hold too."""
        raw_topic = self._topics.input_of("clean")
        numbered = ((line, self._next_offset(raw_topic)) for line in lines if line.strip())
        while chunk := list(itertools.islice(numbered, batch_size)):
            inbound = [Inbound(None, line.rstrip(b"\r\n"), Lineage(topic=raw_topic, partition=0, offset=offset)) for line, offset in chunk]
            yield from self._run_chunk(inbound)
        yield from self._run_chunk([], drain=True)

    def _run_chunk(self, inbound: list[Inbound], *, drain: bool = False) -> Iterator[Outbound]:
        for runner, publishes in self._runners:
            outbound = runner.run_batch(inbound, drain=drain) if inbound or drain else []
            runner.delivered()  # nothing here can fail after the outputs are handed on
            next_input = self._next_input(runner.name)
            inbound = []
            for out in outbound:
                if publishes or out.topic != next_input:
                    yield out
                if out.topic == next_input:
                    lineage = Lineage(topic=out.topic, partition=0, offset=self._next_offset(out.topic))
                    inbound.append(Inbound(out.key.encode("utf-8"), out.encoded(), lineage))

    def _next_input(self, stage: str) -> str | None:
        position = STAGE_ORDER.index(stage) + 1
        return self._topics.input_of(STAGE_ORDER[position]) if position < len(STAGE_ORDER) else None

    def _next_offset(self, topic: str) -> int:
        offset = self._offsets[topic]
        self._offsets[topic] += 1
        return offset


def write_jsonl(messages: Iterable[Outbound], out: TextIO) -> Counter[str]:
    """One `{"topic", "key", "value"}` line per message; returns the count per topic."""
    counts: Counter[str] = Counter()
    for message in messages:
        line = {"topic": message.topic, "key": message.key, "value": message.value.model_dump(mode="json")}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        counts[message.topic] += 1
    return counts
