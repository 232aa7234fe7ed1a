"""`newsflow replay`: a stage (or a chain of stages) over a stretch of an input topic's history.

The records are read with manual assignment, per partition in offset order, merged across partitions by
record timestamp, so a replay of the same records always handles them in the same order and in the same
batches. Each batch's outputs and the replay group's offsets go in one Kafka transaction: an interrupted
replay leaves no partial batch, and `--resume` carries on after the last committed one. The planned stop
offset of every partition is kept in the committed offsets' metadata, so a resumed replay ends where the
first run would have.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog

from services.chassis.admin import committed_offsets, partitions_of
from services.chassis.chain import Step, run_chain
from services.chassis.delivery import RECORD_ERRORS, TransactionalSink, as_message
from services.chassis.envelope import Inbound, Outbound
from services.chassis.history import MergedReader
from services.chassis.kafka import AIOKafkaConsumer, TopicPartition, make_consumer
from services.chassis.runner import StageRunner
from services.messages import Lineage
from services.ops.progress import Progress, TokenBucket
from services.ops.replay_positions import BEGINNING, END, Position, Span, plan_metadata, resolve, stop_from_metadata
from services.settings import Settings

log = structlog.get_logger("newsflow.replay")


# --- the replay ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayRequest:
    """What to replay and where to: resolved names, ready to run."""

    topic: str
    group: str
    start: Position = BEGINNING
    stop: Position = END
    resume: bool = False
    rate: float | None = None
    batch_size: int = 256
    fetch_timeout_ms: int = 500


@dataclass
class ReplayResult:
    group: str
    records: int = 0
    total: int = 0
    produced: Counter[str] = field(default_factory=Counter)
    interrupted: bool = False


async def _spans(
    settings: Settings, bootstrap: str, consumer: AIOKafkaConsumer, request: ReplayRequest, tps: list[TopicPartition]
) -> dict[TopicPartition, Span]:
    beginning = await consumer.beginning_offsets(tps)
    end = await consumer.end_offsets(tps)
    committed = await committed_offsets(settings, bootstrap, request.group, tps)
    if request.resume:
        if not committed:
            raise ValueError(f"nothing to resume: consumer group {request.group} has no committed replay offsets")
        return {tp: Span(offset, stop_from_metadata(metadata)) for tp, (offset, metadata) in committed.items()}
    if committed:
        raise ValueError(f"consumer group {request.group} already holds a replay; pass --resume, or another --group")

    async def at_times(position: Position) -> dict[TopicPartition, int | None]:
        if position.kind != "time":
            return dict.fromkeys(tps)
        found = await consumer.offsets_for_times(dict.fromkeys(tps, position.timestamp_ms()))
        return {tp: (found[tp].offset if found.get(tp) is not None else None) for tp in tps}

    starts, stops = await at_times(request.start), await at_times(request.stop)
    spans = {}
    for tp in tps:
        start = resolve(request.start, beginning[tp], end[tp], starts[tp])
        spans[tp] = Span(start, max(start, resolve(request.stop, beginning[tp], end[tp], stops[tp])))
    return spans


async def replay(
    settings: Settings,
    bootstrap: str,
    steps: Sequence[Step],
    request: ReplayRequest,
    *,
    progress: Progress | None = None,
    stop: asyncio.Event | None = None,
) -> ReplayResult:
    """Run the chain over the requested history; outputs and progress offsets are committed batch by batch, atomically."""
    # No group membership: positions come from the plan, progress is committed in each batch's transaction.
    consumer = make_consumer(settings, bootstrap)
    result = ReplayResult(group=request.group)
    tps = await partitions_of(settings, bootstrap, request.topic)
    await consumer.start()
    try:
        consumer.assign(tps)
        spans = await _spans(settings, bootstrap, consumer, request, tps)
        result.total = sum(span.stop - span.start for span in spans.values())
        log.info("replay_start", topic=request.topic, group=request.group, total=result.total, stages=[step.runner.name for step in steps])
        reader = MergedReader(consumer, spans, request.fetch_timeout_ms)
        reader.seek_all()
        bucket = TokenBucket(request.rate) if request.rate else None
        batch_size = min(request.batch_size, max(1, int(request.rate))) if request.rate else request.batch_size
        if progress is not None:
            progress.total = result.total
        # The same replay resumed fences an older process of itself.
        sink = TransactionalSink(settings, bootstrap, transactional_id=request.group)
        await sink.start()
        try:
            if not request.resume:  # the plan first, so even a replay stopped before its first batch can be resumed
                await sink.commit([], _progress(spans, reader.next_offsets()), request.group)
            while not (stop is not None and stop.is_set()):
                records = await reader.next_batch(batch_size)
                if not records:
                    break
                if bucket is not None:
                    await asyncio.sleep(bucket.reserve(len(records)))
                inbound = [Inbound(r.key, r.value or b"", Lineage(topic=r.topic, partition=r.partition, offset=r.offset)) for r in records]
                outbound = await asyncio.to_thread(run_chain, steps, inbound)
                outbound = await _commit(sink, steps, outbound, _progress(spans, reader.next_offsets()), request.group)
                result.records += len(records)
                result.produced.update(out.topic for out in outbound)
                if progress is not None:
                    progress.update(reader.done(), result.records)
            result.interrupted = reader.done() < result.total
            if not result.interrupted:  # the end of the stretch: what the stages still hold (dedup's grace) goes out now
                drained = await asyncio.to_thread(run_chain, steps, [], drain=True)
                if drained:
                    drained = await _commit(sink, steps, drained, _progress(spans, reader.next_offsets()), request.group)
                    result.produced.update(out.topic for out in drained)
        finally:
            await sink.stop()
    finally:
        await consumer.stop()
    if progress is not None:
        progress.finish()
    log.info("replay_end", group=request.group, records=result.records, interrupted=result.interrupted, produced=dict(result.produced))
    return result


async def _commit(
    sink: TransactionalSink, steps: Sequence[Step], outbound: list[Outbound], offsets: dict[TopicPartition, tuple[int, str]], group: str
) -> list[Outbound]:
    """Commit a batch's outputs with the replay's progress; returns what was committed.

    An output the broker refuses for what it is (over a topic's own size limit, say) would fail the batch again on
    every resume. It is found without publishing anything, replaced by a dead letter, and the batch still commits
    as one transaction: the replay stays exactly-once, and one record never stops it.
    """
    messages = [as_message(out) for out in outbound]
    try:
        await sink.commit(messages, offsets, group)
    except RECORD_ERRORS:
        refused = await sink.refused(messages)
        final = [_maker(steps, out).refused_output(out, refused[n]) if n in refused else out for n, out in enumerate(outbound)]
        for n, error in refused.items():
            log.warning("output_rejected", topic=outbound[n].topic, key=outbound[n].key, error=f"{type(error).__name__}: {error}")
        await sink.commit([as_message(out) for out in final], offsets, group)
        return final
    return outbound


def _maker(steps: Sequence[Step], out: Outbound) -> StageRunner:
    """The runner of the step that made `out` (the last one that writes its topic)."""
    for step in reversed(steps):
        if out.topic in step.runner.topics.outputs_of(step.runner.name):
            return step.runner
    return steps[-1].runner


def _progress(spans: dict[TopicPartition, Span], offsets: dict[TopicPartition, int]) -> dict[TopicPartition, tuple[int, str]]:
    """The offsets to commit, each with the replay's plan, so `--resume` ends where the first run would have."""
    return {tp: (offset, plan_metadata(spans[tp])) for tp, offset in offsets.items()}
