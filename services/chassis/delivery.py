"""How a batch's outputs and its consumed offsets reach the broker: at-least-once, or exactly-once in a transaction."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping, Sequence
from typing import Protocol

from faststream.kafka import KafkaBroker
from faststream.kafka.message import KafkaMessage

from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, denial
from services.chassis.envelope import Inbound, Outbound
from services.chassis.kafka import AIOKafkaProducer, OffsetAndMetadata, TopicPartition, make_producer
from services.settings import Settings

# A message as it is sent: topic, key, value.
Message = tuple[str, bytes | None, bytes]


def next_offsets(batch: Sequence[Inbound]) -> dict[TopicPartition, OffsetAndMetadata]:
    """The offsets to commit after a batch: one past the last record of each partition."""
    last: dict[TopicPartition, int] = {}
    for item in batch:
        partition = TopicPartition(item.lineage.topic, item.lineage.partition)
        last[partition] = max(last.get(partition, -1), item.lineage.offset)
    return {partition: OffsetAndMetadata(offset + 1, "") for partition, offset in last.items()}


class Delivery(Protocol):
    """Publishes a batch's outputs and marks its input consumed, as one step as far as the guarantee allows."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage) -> None: ...


class AtLeastOnce:
    """Publish, wait for every acknowledgement, then commit: a crash in between replays the batch, never loses it."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def deliver(self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage) -> None:
        pending = [
            await self._broker.publish(out.encoded(), topic=out.topic, key=out.key.encode("utf-8"), no_confirm=True) for out in outbound
        ]
        # A producer that confirms at once (FastStream's in-memory one) hands back metadata instead of a future.
        await asyncio.gather(*(sent for sent in pending if inspect.isawaitable(sent)))
        await message.ack()


def _retrieve(sent: asyncio.Future[object]) -> None:
    if not sent.cancelled():
        sent.exception()


def as_message(out: Outbound) -> Message:
    return out.topic, out.key.encode("utf-8"), out.encoded()


class TransactionalSink:
    """Messages, and the offsets a group consumed to make them, in one Kafka transaction: all of it lands or none.

    Shared by the live exactly-once delivery, replay and redrive. A restarted owner of the same transactional
    id fences its predecessor's unfinished transaction.
    """

    def __init__(self, settings: Settings, bootstrap: str, transactional_id: str) -> None:
        self._settings = settings
        self._bootstrap = bootstrap
        self._transactional_id = transactional_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        # Made here, not in __init__: aiokafka binds a client to the running event loop.
        self._producer = make_producer(self._settings, self._bootstrap, transactional_id=self._transactional_id)
        try:
            await self._producer.start()
        except AUTHORIZATION_ERRORS as error:
            await self._producer.stop()
            self._producer = None
            raise AccessDenied(denial(error, topic_operation="Write"), self._settings.kafka_sasl_username) from error

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def commit(
        self,
        messages: Sequence[Message],
        offsets: Mapping[TopicPartition, OffsetAndMetadata | tuple[int, str]] | None = None,
        group_id: str | None = None,
    ) -> None:
        """Send every message and commit `offsets` for `group_id`; aborted as a whole on any failure."""
        producer = self._producer
        if producer is None:
            raise RuntimeError("TransactionalSink.commit before start()")
        async with producer.transaction():
            for topic, key, value in messages:
                sent = await producer.send(topic, value, key=key)
                # A refused transaction fails each of its sends too; the transaction's error is the one reported.
                sent.add_done_callback(_retrieve)
            if offsets and group_id is not None:
                await producer.send_offsets_to_transaction(dict(offsets), group_id)


class ExactlyOnce:
    """Outputs and consumed offsets in one Kafka transaction: readers at read_committed see each output once."""

    def __init__(self, settings: Settings, bootstrap: str, *, group_id: str, transactional_id: str) -> None:
        self._group_id = group_id
        self._sink = TransactionalSink(settings, bootstrap, transactional_id)

    async def start(self) -> None:
        await self._sink.start()

    async def stop(self) -> None:
        await self._sink.stop()

    async def deliver(self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage) -> None:
        await self._sink.commit([as_message(out) for out in outbound], next_offsets(batch), self._group_id)
