"""How a batch's outputs and its consumed offsets reach the broker: at-least-once, or exactly-once in a transaction.

Either way one record never blocks the rest: an output the broker refuses for what it is (too large, say)
is replaced by a dead letter for its input, and the batch goes on. At-least-once sends every message on
its own, so the refused one is known at once; in a transaction one refused send aborts them all, so the
batch is halved until the record that fails it stands alone.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from faststream.kafka import KafkaBroker
from faststream.kafka.message import KafkaMessage

from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, denial
from services.chassis.envelope import Inbound, Outbound
from services.chassis.kafka import (
    AIOKafkaProducer,
    CorruptRecordException,
    InvalidTimestampError,
    MessageSizeTooLargeError,
    OffsetAndMetadata,
    OutOfOrderSequenceNumber,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicPartition,
    make_producer,
)
from services.settings import Settings

# A message as it is sent: topic, key, value.
Message = tuple[str, bytes | None, bytes]
# What replaces an output the broker refused: a dead letter for the input it was made from.
Replacement = Callable[[Outbound, BaseException], Outbound]

# Refusals that name the record, not the broker's state: sending the same record again fails the same way.
RECORD_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError, CorruptRecordException, InvalidTimestampError)
# After these, the transactional producer's sequence numbers no longer match the broker's (see TransactionalSink._renew).
_SEQUENCE_BREAKING = (*RECORD_ERRORS, OutOfOrderSequenceNumber)


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


def as_message(out: Outbound) -> Message:
    return out.topic, out.key.encode("utf-8"), out.encoded()


@dataclass(frozen=True)
class Delivered:
    """Records whose outputs are published and whose offsets are committed (or, at-least-once, will be with the batch)."""

    batch: list[Inbound]
    outbound: list[Outbound]


@dataclass
class _Unit:
    """What cannot be split: one consumed record and what was made of it (a held record: nothing; a release: no record)."""

    inputs: list[Inbound] = field(default_factory=list)
    outputs: list[Outbound] = field(default_factory=list)


def _units(batch: Sequence[Inbound], outbound: Sequence[Outbound]) -> list[_Unit]:
    by_source: dict[int, _Unit] = {id(item): _Unit([item]) for item in batch}
    released: list[_Unit] = []
    for out in outbound:
        unit = by_source.get(id(out.source)) if out.source is not None else None
        if unit is None:
            released.append(_Unit([], [out]))
        else:
            unit.outputs.append(out)
    return [*by_source.values(), *released]


class Delivery(Protocol):
    """Publishes a batch's outputs and marks its input consumed, as one step as far as the guarantee allows."""

    # Whether each delivered piece's offsets are committed as it is delivered (a failure later rewinds only the rest).
    commits_pieces: bool

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(
        self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage, done: list[Delivered], replace: Replacement
    ) -> None:
        """Deliver, appending to `done` each piece as it is delivered."""
        ...


class AtLeastOnce:
    """Publish, wait for every acknowledgement, then commit: a crash in between replays the batch, never loses it."""

    commits_pieces = False

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def _send(self, out: Outbound) -> object:
        return await self._broker.publish(out.encoded(), topic=out.topic, key=out.key.encode("utf-8"), no_confirm=True)

    async def deliver(
        self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage, done: list[Delivered], replace: Replacement
    ) -> None:
        final = list(outbound)
        pending: list[tuple[int, object]] = []
        for position, out in enumerate(outbound):  # sent in order, so each partition keeps its order
            try:
                pending.append((position, await self._send(out)))
            except RECORD_ERRORS as error:  # refused before sending (over the producer's limit)
                final[position] = replace(out, error)
                pending.append((position, await self._send(final[position])))
        for position, sent in pending:
            # A producer that confirms at once (FastStream's in-memory one) hands back metadata instead of a future.
            if not inspect.isawaitable(sent):
                continue
            try:
                await sent
            except RECORD_ERRORS as error:  # refused by the broker
                final[position] = replace(outbound[position], error)
                resent = await self._send(final[position])
                if inspect.isawaitable(resent):
                    await resent
        await message.ack()
        done.append(Delivered(list(batch), final))


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
        self._producer = make_producer(
            self._settings,
            self._bootstrap,
            transactional_id=self._transactional_id,
            transaction_timeout_ms=self._settings.transaction_timeout_ms,
        )
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
        producer = self._running()
        try:
            async with producer.transaction():
                # aiokafka commits a transaction even when the broker refused one of its records: that record, and the
                # partition's records after it, are lost without a word. Waiting for every acknowledgement first turns a
                # refusal into an error here, and the transaction is aborted instead.
                await asyncio.gather(*await self._send_all(producer, messages))
                if offsets and group_id is not None:
                    await producer.send_offsets_to_transaction(dict(offsets), group_id)
        except _SEQUENCE_BREAKING:
            await self._renew()
            raise

    async def refused(self, messages: Sequence[Message]) -> dict[int, BaseException]:
        """Which of `messages` the broker refuses for what they are, by position, with its error.

        Found by sending halves in transactions that are always aborted, so nothing is published: read_committed
        readers never see a probe. Only for the rare batch a refusal failed; each refused probe renews the producer.
        """
        found: dict[int, BaseException] = {}
        pending = [list(range(len(messages)))]
        while pending:
            positions = pending.pop()
            error = await self._probe([messages[position] for position in positions])
            if error is None:
                continue
            if len(positions) == 1:
                found[positions[0]] = error
            else:
                half = len(positions) // 2
                pending += [positions[half:], positions[:half]]
        return found

    async def _probe(self, messages: Sequence[Message]) -> BaseException | None:
        producer = self._running()
        await producer.begin_transaction()
        try:
            await asyncio.gather(*await self._send_all(producer, messages))
        except RECORD_ERRORS as error:
            await self._renew()  # the new epoch aborts the probe
            refusal: BaseException = error
            return refusal
        await producer.abort_transaction()
        return None

    @staticmethod
    async def _send_all(producer: AIOKafkaProducer, messages: Sequence[Message]) -> list[asyncio.Future[object]]:
        futures = []
        for topic, key, value in messages:
            sent = await producer.send(topic, value, key=key)
            # A refused transaction fails each of its sends too; the transaction's error is the one reported.
            sent.add_done_callback(_retrieve)
            futures.append(sent)
        return futures

    def _running(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("TransactionalSink used before start()")
        return self._producer

    async def _renew(self) -> None:
        """A new producer under the same transactional id: a new epoch, whose sequence numbers start afresh.

        After the broker refuses a record, aiokafka keeps that partition's sequence numbers moving, so every later
        transaction on the partition fails with OutOfOrderSequenceNumber until the producer is replaced
        (aio-libs/aiokafka#1017; seen on Kafka 4.4).
        """
        await self.stop()
        await self.start()


class ExactlyOnce:
    """Outputs and consumed offsets in one Kafka transaction: readers at read_committed see each output once."""

    commits_pieces = True

    def __init__(
        self, settings: Settings, bootstrap: str, *, group_id: str, transactional_id: str, sink: TransactionalSink | None = None
    ) -> None:
        self._group_id = group_id
        self._sink = sink or TransactionalSink(settings, bootstrap, transactional_id)

    async def start(self) -> None:
        await self._sink.start()

    async def stop(self) -> None:
        await self._sink.stop()

    async def deliver(
        self, batch: Sequence[Inbound], outbound: Sequence[Outbound], message: KafkaMessage, done: list[Delivered], replace: Replacement
    ) -> None:
        await self._deliver(_units(batch, outbound), done, replace)

    async def _deliver(self, units: list[_Unit], done: list[Delivered], replace: Replacement) -> None:
        inputs = [item for unit in units for item in unit.inputs]
        outputs = [out for unit in units for out in unit.outputs]
        try:
            await self._sink.commit([as_message(out) for out in outputs], next_offsets(inputs), self._group_id)
        except RECORD_ERRORS as error:
            if len(units) == 1:
                outputs = [replace(out, error) for out in outputs]
                await self._sink.commit([as_message(out) for out in outputs], next_offsets(inputs), self._group_id)
            else:
                # Halves in order, so each commit moves every partition forward and never past an undelivered record.
                half = len(units) // 2
                await self._deliver(units[:half], done, replace)
                await self._deliver(units[half:], done, replace)
                return
        done.append(Delivered(inputs, outputs))
