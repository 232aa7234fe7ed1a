"""How a batch's outputs and its consumed offsets reach the broker: at-least-once, or exactly-once in a transaction."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Sequence
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.structs import OffsetAndMetadata, TopicPartition
from faststream.kafka import KafkaBroker
from faststream.kafka.message import KafkaMessage

from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, denial
from services.chassis.connection import make_producer
from services.chassis.envelope import Inbound, Outbound
from services.settings import Settings


def next_offsets(batch: Sequence[Inbound]) -> dict[TopicPartition, OffsetAndMetadata]:
    """The offsets to commit after a batch: one past the last record of each partition."""
    last: dict[TopicPartition, int] = {}
    for item in batch:
        partition = TopicPartition(item.lineage.topic, item.lineage.partition)
        last[partition] = max(last.get(partition, -1), item.lineage.offset)
    return {partition: OffsetAndMetadata(offset + 1, "") for partition, offset in last.items()}


def _retrieve(sent: asyncio.Future[object]) -> None:
    if not sent.cancelled():
        sent.exception()


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


class ExactlyOnce:
    """Outputs and consumed offsets in one Kafka transaction: readers at read_committed see each output once."""

    def __init__(self, settings: Settings, bootstrap: str, *, group_id: str, transactional_id: str) -> None:
        self._group_id = group_id
        # A restarted instance reuses its transactional id, which fences its predecessor's unfinished transaction.
        self._transactional_id = transactional_id
        self._settings = settings
        self._bootstrap = bootstrap
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

    async def deliver(self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage) -> None:
        producer = self._producer
        if producer is None:
            raise RuntimeError("ExactlyOnce.deliver before start()")
        async with producer.transaction():
            for out in outbound:
                sent = await producer.send(out.topic, out.encoded(), key=out.key.encode("utf-8"))
                # A refused transaction fails each of its sends too; the transaction's error is the one reported.
                sent.add_done_callback(_retrieve)
            await producer.send_offsets_to_transaction(next_offsets(batch), self._group_id)
