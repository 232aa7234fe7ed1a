"""The Kafka side of a stage process: subscribers, publishing, commits after acknowledgement, health."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Sequence
from typing import Any

import structlog
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.middlewares import AckPolicy

from services.chassis.connection import faststream_security, max_message_bytes
from services.chassis.envelope import Inbound, Outbound
from services.chassis.health import HealthApp, all_ready, make_server
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.messages import Lineage
from services.settings import Settings

log = structlog.get_logger("newsflow.service")


def make_broker(settings: Settings, bootstrap: str) -> KafkaBroker:
    # Idempotence with acks=all: a retried send is never written twice.
    return KafkaBroker(
        bootstrap,
        client_id="newsflow",
        security=faststream_security(settings),
        acks="all",
        enable_idempotence=True,
        max_request_size=max_message_bytes(settings),
        graceful_timeout=15.0,
        logger=None,
    )


async def publish_all(broker: KafkaBroker, outbound: Sequence[Outbound]) -> None:
    """Send every message, then wait until the broker has acknowledged all of them."""
    pending = [await broker.publish(out.encoded(), topic=out.topic, key=out.key.encode("utf-8"), no_confirm=True) for out in outbound]
    # A producer that confirms at once (FastStream's in-memory one) hands back metadata instead of a future.
    await asyncio.gather(*(sent for sent in pending if inspect.isawaitable(sent)))


def _inbound(records: Any) -> list[Inbound]:
    batch = records if isinstance(records, list | tuple) else (records,)
    return [Inbound(r.key, r.value or b"", Lineage(topic=r.topic, partition=r.partition, offset=r.offset)) for r in batch]


class StageService:
    """Subscribes each stage to its input topic; offsets are committed only after its outputs are acknowledged."""

    def __init__(self, settings: Settings, broker: KafkaBroker, runners: Sequence[StageRunner], metrics: Metrics) -> None:
        self._settings = settings
        self._broker = broker
        self._metrics = metrics
        self._subscribers: dict[str, BatchSubscriber] = {}
        for runner in runners:
            self._subscribers[runner.name] = self._subscribe(runner)
        self._health = HealthApp(metrics.registry, {"broker": self._broker_reachable, "partitions": self._partitions_assigned})
        self._server = make_server(self._health, settings.http_host, settings.http_port)
        self._server_task: asyncio.Task[None] | None = None
        self._lag_task: asyncio.Task[None] | None = None
        self._lag_labels: set[tuple[str, str, str]] = set()

    def _subscribe(self, runner: StageRunner) -> BatchSubscriber:
        subscriber = self._broker.subscriber(
            runner.topics.input_of(runner.name),
            group_id=f"{self._settings.group_prefix}.{runner.name}",
            batch=True,
            max_records=self._settings.batch_max_records,
            batch_timeout_ms=self._settings.batch_timeout_ms,
            auto_offset_reset="earliest",
            # NACK rewinds the batch on failure, ACK commits after the handler (and so the publishes) finished.
            ack_policy=AckPolicy.NACK_ON_ERROR,
        )

        async def handle(message: KafkaMessage) -> None:
            inbound = _inbound(message.raw_message)
            in_flight = self._metrics.in_flight.labels(runner.name)
            in_flight.inc(len(inbound))
            try:
                with self._metrics.batch_duration.labels(runner.name).time():
                    # Stage code is CPU-bound; a worker thread keeps heartbeats and /metrics flowing.
                    outbound = await asyncio.to_thread(runner.run_batch, inbound)
                    await publish_all(self._broker, outbound)
            finally:
                in_flight.dec(len(inbound))

        subscriber(handle)
        return subscriber

    async def _broker_reachable(self) -> tuple[bool, str]:
        reachable = await self._broker.ping(timeout=2.0)
        return reachable, "ok" if reachable else "broker not reachable"

    async def _partitions_assigned(self) -> tuple[bool, str]:
        flags = [(name, bool(sub.consumer and sub.consumer.assignment())) for name, sub in self._subscribers.items()]
        return all_ready(flags)

    async def _refresh_lag(self) -> None:
        """Lag per assigned partition: the broker's end offset minus the group's committed offset."""
        current: set[tuple[str, str, str]] = set()
        for name, subscriber in self._subscribers.items():
            consumer = subscriber.consumer
            assignment = list(consumer.assignment()) if consumer else []
            if not consumer or not assignment:
                continue
            end_offsets = await consumer.end_offsets(assignment)
            for partition in assignment:
                committed = await consumer.committed(partition)
                labels = (name, partition.topic, str(partition.partition))
                self._metrics.consumer_lag.labels(*labels).set(max(0, end_offsets[partition] - (committed or 0)))
                current.add(labels)
        for gone in self._lag_labels - current:  # partitions revoked by a rebalance stop being reported
            self._metrics.consumer_lag.remove(*gone)
        self._lag_labels = current

    async def _watch_lag(self) -> None:
        while True:
            try:
                await self._refresh_lag()
            except Exception:  # a failed look-up must not stop the next one; the broker may be restarting
                log.warning("lag_refresh_failed", exc_info=True)
            await asyncio.sleep(self._settings.lag_interval_s)

    async def start(self) -> None:
        await self._broker.start()
        self._server_task = asyncio.create_task(self._server.serve(), name="health-server")
        self._lag_task = asyncio.create_task(self._watch_lag(), name="lag-watch")
        log.info("service_started", stages=list(self._subscribers), port=self._settings.http_port)

    async def stop(self) -> None:
        if self._lag_task is not None:
            self._lag_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lag_task
        self._server.should_exit = True
        if self._server_task is not None:
            await self._server_task
        await self._broker.stop()
        log.info("service_stopped", stages=list(self._subscribers))
