"""Stages chained in one process: each step's outputs for the next step's input are handed on without a broker.

`process` (JSON lines), `replay --through` and the bench's compute runs all chain stages through here.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from services.chassis.envelope import Inbound, Outbound
from services.chassis.runner import StageRunner
from services.messages import Lineage


@dataclass(frozen=True)
class Step:
    """A runner in a chain; `publishes`: whether what it hands on is published too (a stand-in's never is)."""

    runner: StageRunner
    publishes: bool = True


def run_chain(steps: Sequence[Step], inbound: Sequence[Inbound], *, drain: bool = False) -> list[Outbound]:
    """The messages to publish for one batch through every step, in step order.

    `drain` (the input has ended): every step also gives up the outputs it still holds (dedup's grace period).

    A handed-on record keeps the lineage of the record the chain read: that is the Kafka record it was made
    from, and it is the same in every run over that record. Each step's batch is counted as it is made: a
    chain's run is not taken again (a replay that fails to commit stops; its resume is a new process).
    """
    published: list[Outbound] = []
    current = list(inbound)
    for position, step in enumerate(steps):
        started = time.perf_counter()
        outbound = step.runner.run_batch(current, drain=drain) if current or drain else []
        # Nothing in a chain can fail after its outputs are handed on: delivered as soon as made.
        step.runner.confirm(current, outbound, time.perf_counter() - started)
        step.runner.delivered()
        following = steps[position + 1].runner if position + 1 < len(steps) else None
        next_topic = following.topics.input_of(following.name) if following else None
        handed_on: list[Inbound] = []
        for out in outbound:  # not one per input: a stage may hold a record back and release it in a later batch
            if out.topic == next_topic:
                handed_on.append(Inbound(out.key.encode("utf-8"), out.encoded(), _lineage(out, current)))
                if step.publishes:
                    published.append(out)
            else:
                published.append(out)
        current = handed_on
    return published


def _lineage(out: Outbound, inputs: Sequence[Inbound]) -> Lineage:
    """Where a handed-on record came from: the lineage the runner stamped on it (the record the chain read)."""
    stamped = getattr(out.value, "lineage", None)
    if isinstance(stamped, Lineage):
        return stamped
    return inputs[0].lineage if inputs else Lineage(topic=out.topic, partition=0, offset=0)
