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
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.chassis.connection import aiokafka_options, make_producer, max_message_bytes
from services.chassis.envelope import Inbound, Outbound
from services.chassis.runner import StageRunner
from services.messages import Lineage
from services.progress import Progress, TokenBucket
from services.redrive import partitions_of
from services.replay_positions import BEGINNING, END, Position, Span, plan_metadata, resolve, stop_from_metadata
from services.settings import Settings

log = structlog.get_logger("newsflow.replay")


# --- the chain: one batch through the stages, in process -------------------------------------------


def run_chain(runners: Sequence[StageRunner], inbound: list[Inbound], publish_intermediate: bool) -> list[Outbound]:
    """Messages to publish for one batch: each runner's outputs for the next runner's input are handed on in process.

    A handed-on record's lineage names the topic it was routed to, with the partition and offset of the
    record the replay read, so it is the same in every replay of that record.
    """
    published: list[Outbound] = []
    for position, runner in enumerate(runners):
        outbound = runner.run_batch(inbound)
        following = runners[position + 1] if position + 1 < len(runners) else None
        next_topic = following.topics.input_of(following.name) if following else None
        handed_on: list[Inbound] = []
        for source, out in zip(inbound, outbound, strict=True):
            if out.topic == next_topic:
                lineage = Lineage(topic=out.topic, partition=source.lineage.partition, offset=source.lineage.offset)
                handed_on.append(Inbound(out.key.encode("utf-8"), out.encoded(), lineage))
                if publish_intermediate:
                    published.append(out)
            else:
                published.append(out)
        inbound = handed_on
    return published


# --- reading: partitions merged by timestamp, in deterministic batches -----------------------------


class MergedReader:
    """Records of [start, stop) per partition, in offset order per partition, merged across partitions by timestamp."""

    def __init__(self, consumer: AIOKafkaConsumer, spans: dict[TopicPartition, Span], fetch_timeout_ms: int) -> None:
        self._consumer = consumer
        self._spans = spans
        self._timeout_ms = fetch_timeout_ms
        self._buffers: dict[TopicPartition, deque[ConsumerRecord[bytes, bytes]]] = {tp: deque() for tp in spans}
        self._fetched_to = {tp: span.start for tp, span in spans.items()}  # next offset the consumer will fetch

    def seek_all(self) -> None:
        for tp, span in self._spans.items():
            self._consumer.seek(tp, span.start)

    def next_offsets(self) -> dict[TopicPartition, int]:
        """Per partition, the first offset not handed out yet: what is committed after a batch."""
        return {tp: buffer[0].offset if buffer else self._fetched_to[tp] for tp, buffer in self._buffers.items()}

    def done(self) -> int:
        return sum(offset - self._spans[tp].start for tp, offset in self.next_offsets().items())

    async def _refill(self, tp: TopicPartition, wanted: int) -> None:
        stop = self._spans[tp].stop
        while not self._buffers[tp] and self._fetched_to[tp] < stop:
            fetched = await self._consumer.getmany(tp, timeout_ms=self._timeout_ms, max_records=wanted)
            self._buffers[tp].extend(record for record in fetched.get(tp, []) if record.offset < stop)
            # The position also moves past transaction markers and aborted records, which are never returned.
            self._fetched_to[tp] = min(stop, await self._consumer.position(tp))

    async def next_batch(self, size: int) -> list[ConsumerRecord[bytes, bytes]]:
        batch: list[ConsumerRecord[bytes, bytes]] = []
        while len(batch) < size:
            for tp in self._buffers:
                await self._refill(tp, size)
            heads = [(buffer[0].timestamp, tp.partition, buffer[0].offset, tp) for tp, buffer in self._buffers.items() if buffer]
            if not heads:
                break
            *_, tp = min(heads)
            batch.append(self._buffers[tp].popleft())
        return batch


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
    publish_intermediate: bool = True
    fetch_timeout_ms: int = 500


@dataclass
class ReplayResult:
    group: str
    records: int = 0
    total: int = 0
    produced: Counter[str] = field(default_factory=Counter)
    interrupted: bool = False


async def _committed_plan(
    settings: Settings, bootstrap: str, group: str, tps: list[TopicPartition]
) -> dict[TopicPartition, tuple[int, str]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="newsflow-replay-admin", **aiokafka_options(settings))
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
    finally:
        await admin.close()
    return {tp: (meta.offset, meta.metadata) for tp, meta in committed.items() if meta is not None and meta.offset >= 0}


async def _spans(
    settings: Settings, bootstrap: str, consumer: AIOKafkaConsumer, request: ReplayRequest, tps: list[TopicPartition]
) -> dict[TopicPartition, Span]:
    beginning = await consumer.beginning_offsets(tps)
    end = await consumer.end_offsets(tps)
    committed = await _committed_plan(settings, bootstrap, request.group, tps)
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
    runners: Sequence[StageRunner],
    request: ReplayRequest,
    *,
    progress: Progress | None = None,
    stop: asyncio.Event | None = None,
) -> ReplayResult:
    """Run the runners over the requested history; outputs and progress offsets are committed batch by batch, atomically."""
    options = aiokafka_options(settings)
    consumer = AIOKafkaConsumer(  # no group membership: positions come from the plan, progress is committed by the producer
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        fetch_max_bytes=max(52428800, max_message_bytes(settings)),
        max_partition_fetch_bytes=max_message_bytes(settings),
        **options,
    )
    result = ReplayResult(group=request.group)
    tps = await partitions_of(settings, bootstrap, request.topic)
    await consumer.start()
    try:
        consumer.assign(tps)
        spans = await _spans(settings, bootstrap, consumer, request, tps)
        result.total = sum(span.stop - span.start for span in spans.values())
        log.info("replay_start", topic=request.topic, group=request.group, total=result.total, stages=[r.name for r in runners])
        reader = MergedReader(consumer, spans, request.fetch_timeout_ms)
        reader.seek_all()
        bucket = TokenBucket(request.rate) if request.rate else None
        batch_size = min(request.batch_size, max(1, int(request.rate))) if request.rate else request.batch_size
        if progress is not None:
            progress.total = result.total
        # The same replay resumed fences an older process of itself.
        producer = make_producer(settings, bootstrap, transactional_id=request.group)
        await producer.start()
        try:
            if not request.resume:  # the plan first, so even a replay stopped before its first batch can be resumed
                await _commit(producer, request.group, spans, reader.next_offsets(), [])
            while not (stop is not None and stop.is_set()):
                records = await reader.next_batch(batch_size)
                if not records:
                    break
                if bucket is not None:
                    await asyncio.sleep(bucket.reserve(len(records)))
                inbound = [Inbound(r.key, r.value or b"", Lineage(topic=r.topic, partition=r.partition, offset=r.offset)) for r in records]
                outbound = await asyncio.to_thread(run_chain, runners, inbound, request.publish_intermediate)
                await _commit(producer, request.group, spans, reader.next_offsets(), outbound)
                result.records += len(records)
                result.produced.update(out.topic for out in outbound)
                if progress is not None:
                    progress.update(reader.done(), result.records)
            result.interrupted = reader.done() < result.total
        finally:
            await producer.stop()
    finally:
        await consumer.stop()
    if progress is not None:
        progress.finish()
    log.info("replay_end", group=request.group, records=result.records, interrupted=result.interrupted, produced=dict(result.produced))
    return result


async def _commit(
    producer: AIOKafkaProducer,
    group: str,
    spans: dict[TopicPartition, Span],
    offsets: dict[TopicPartition, int],
    outbound: Sequence[Outbound],
) -> None:
    """One transaction: every output of the batch and the offsets after it; aborted as a whole on any failure."""
    async with producer.transaction():
        for out in outbound:
            await producer.send(out.topic, out.encoded(), key=out.key.encode("utf-8"))
        await producer.send_offsets_to_transaction(
            {tp: (offset, plan_metadata(spans[tp])) for tp, offset in offsets.items()},
            group,
        )
