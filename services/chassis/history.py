"""A topic's history as a source: every committed record up to the end, or stretches of partitions merged by time.

`replay` and `dlq redrive` read through here; the live service reads through its subscribers instead.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TypeAlias

from services.chassis.admin import partitions_of
from services.chassis.kafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition, make_consumer
from services.settings import Settings

Record: TypeAlias = ConsumerRecord[bytes, bytes]


@dataclass(frozen=True)
class Span:
    """Offsets [start, stop) of one partition."""

    start: int
    stop: int


async def read_topic(settings: Settings, bootstrap: str, topic: str) -> list[Record]:
    """Every committed record of `topic` up to its end offsets at the call, partition by partition."""
    consumer = make_consumer(settings, bootstrap)
    tps = await partitions_of(settings, bootstrap, topic)
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        records: list[Record] = []
        pending = [tp for tp in tps if await consumer.position(tp) < end[tp]]
        while pending:
            for batch in (await consumer.getmany(*pending, timeout_ms=500)).values():
                records.extend(record for record in batch if record.offset < end[TopicPartition(record.topic, record.partition)])
            pending = [tp for tp in pending if await consumer.position(tp) < end[tp]]
        return records
    finally:
        await consumer.stop()


class MergedReader:
    """Records of [start, stop) per partition, in offset order per partition, merged across partitions by timestamp.

    The same records are always handed out in the same order and the same batches, so a replay is deterministic.
    """

    def __init__(self, consumer: AIOKafkaConsumer, spans: dict[TopicPartition, Span], fetch_timeout_ms: int) -> None:
        self._consumer = consumer
        self._spans = spans
        self._timeout_ms = fetch_timeout_ms
        self._buffers: dict[TopicPartition, deque[Record]] = {tp: deque() for tp in spans}
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

    async def next_batch(self, size: int) -> list[Record]:
        batch: list[Record] = []
        while len(batch) < size:
            for tp in self._buffers:
                await self._refill(tp, size)
            heads = [(buffer[0].timestamp, tp.partition, buffer[0].offset, tp) for tp, buffer in self._buffers.items() if buffer]
            if not heads:
                break
            *_, tp = min(heads)
            batch.append(self._buffers[tp].popleft())
        return batch
