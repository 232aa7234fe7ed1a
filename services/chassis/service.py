"""The Kafka side of a stage process: subscribers, publishing, commits after acknowledgement, health."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.middlewares import AckPolicy

from services.chassis.access import AUTHORIZATION_ERRORS, Denial, denial
from services.chassis.admin import wait_for_broker, wait_for_coordinators
from services.chassis.delivery import AtLeastOnce, Delivered, Delivery, ExactlyOnce
from services.chassis.envelope import Inbound
from services.chassis.health import HealthApp, all_ready, make_server
from services.chassis.kafka import ConsumerRebalanceListener, ProducerFenced, TopicPartition
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.chassis.stuck import StuckWatch
from services.messages import Lineage
from services.settings import Settings
from services.stage import Readiness

# Long enough for a fresh broker to create its internal topics; past it the clients wait on their own.
_COORDINATOR_WAIT_S = 30.0
# How long stopping may take before its slow steps are left behind (below a typical 30 s termination grace).
_STOP_BUDGET_S = 20.0

log = structlog.get_logger("newsflow.service")


class DrainOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka ships no type information
    """Lets the batch in flight finish and commit before its partitions move to another instance.

    Without it, the new owner could read the committed offsets before this batch's transaction lands and
    process the same records again.
    """

    def __init__(self, in_flight: asyncio.Lock) -> None:
        self._in_flight = in_flight

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        async with self._in_flight:
            return

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        return


def _inbound(records: Any) -> list[Inbound]:
    batch = records if isinstance(records, list | tuple) else (records,)
    return [Inbound(r.key, r.value or b"", Lineage(topic=r.topic, partition=r.partition, offset=r.offset)) for r in batch]


def _rewind(consumer: Any, records: Sequence[Inbound]) -> None:
    """Seek each partition back to the first record not delivered, so the next fetch takes it again."""
    earliest: dict[TopicPartition, int] = {}
    for item in records:
        partition = TopicPartition(item.lineage.topic, item.lineage.partition)
        earliest[partition] = min(earliest.get(partition, item.lineage.offset), item.lineage.offset)
    for partition, offset in earliest.items():
        consumer.seek(partition, offset)


class StageService:
    """Subscribes each stage to its input topic; offsets are committed only after its outputs are acknowledged."""

    def __init__(
        self, settings: Settings, broker: KafkaBroker, runners: Sequence[StageRunner], metrics: Metrics, *, bootstrap: str | None = None
    ) -> None:
        self._settings = settings
        self._broker = broker
        self._bootstrap = bootstrap
        self._metrics = metrics
        self._stuck = StuckWatch(
            metrics.partition_stuck,
            threshold=settings.stuck_after_attempts,
            backoff_s=settings.retry_backoff_s,
            backoff_max_s=settings.retry_backoff_max_s,
        )
        # Records of each (stage, topic, partition) handed to the stage and not yet delivered: part of its lag.
        self._in_flight: Counter[tuple[str, str, int]] = Counter()
        self._subscribers: dict[str, BatchSubscriber] = {}
        self._deliveries: dict[str, Delivery] = {}
        self._group_ids = {runner.name: f"{settings.group_prefix}.{runner.name}" for runner in runners}
        for runner in runners:
            group_id = self._group_ids[runner.name]
            self._deliveries[runner.name] = self._delivery(group_id, runner.name, bootstrap)
            self._subscribers[runner.name] = self._subscribe(runner, group_id)
        self._runners = list(runners)
        self._broker_state = "not started"
        self._health = HealthApp(
            metrics.registry,
            {
                "broker": self._broker_reachable,
                "partitions": self._partitions_assigned,
                "stages": self._stages_ready,
                "access": self._access_granted,
                "advancing": self._partitions_advancing,
            },
        )
        self._server = make_server(self._health, settings.http_host, settings.http_port)
        self._server_task: asyncio.Task[None] | None = None
        self._lag_task: asyncio.Task[None] | None = None
        self._lag_labels: set[tuple[str, str, str]] = set()
        # Set when this instance must not go on (a newer one took over its transactional id).
        self.fenced = asyncio.Event()
        # Set when the broker refuses an operation the stage needs: retrying cannot help until an ACL grants it.
        self.denied = asyncio.Event()
        self._denial: Denial | None = None

    def _delivery(self, group_id: str, stage: str, bootstrap: str | None) -> Delivery:
        if self._settings.delivery == "at-least-once":
            return AtLeastOnce(self._broker)
        if bootstrap is None:
            raise ValueError("exactly-once delivery needs the bootstrap address for its transactional producer")
        return ExactlyOnce(self._settings, bootstrap, group_id=group_id, transactional_id=self._transactional_id(group_id))

    def _transactional_id(self, group_id: str) -> str:
        return f"{group_id}.{self._settings.instance_id}"

    def _subscribe(self, runner: StageRunner, group_id: str) -> BatchSubscriber:
        in_flight_lock = asyncio.Lock()
        subscriber = self._broker.subscriber(
            runner.topics.input_of(runner.name),
            group_id=group_id,
            batch=True,
            max_records=self._settings.batch_max_records,
            batch_timeout_ms=self._settings.batch_timeout_ms,
            auto_offset_reset="earliest",
            # Upstream stages may write in transactions: never read what they aborted.
            isolation_level="read_committed",
            # Bounds what one fetch holds in memory, whatever the size of the articles.
            fetch_max_bytes=self._settings.fetch_max_bytes,
            max_partition_fetch_bytes=max(self._settings.fetch_max_bytes // 4, self._settings.max_message_bytes),
            # The delivery commits (or the transaction does); a failed batch is rewound here.
            ack_policy=AckPolicy.MANUAL,
            listener=DrainOnRevoke(in_flight_lock),
        )
        delivery = self._deliveries[runner.name]

        async def handle(message: KafkaMessage) -> None:
            inbound = _inbound(message.raw_message)
            async with in_flight_lock:
                await self._handle(runner, delivery, inbound, message)

        subscriber(handle)
        return subscriber

    def _track(self, stage: str, records: Sequence[Inbound], sign: int) -> None:
        for item in records:
            self._in_flight[stage, item.lineage.topic, item.lineage.partition] += sign
        self._metrics.in_flight.labels(stage).inc(sign * len(records))

    async def _handle(self, runner: StageRunner, delivery: Delivery, inbound: list[Inbound], message: KafkaMessage) -> None:
        started = time.perf_counter()
        done: list[Delivered] = []
        self._track(runner.name, inbound, +1)
        try:
            # Stage code is CPU-bound; a worker thread keeps heartbeats and /metrics flowing.
            outbound = await asyncio.to_thread(runner.run_batch, inbound)
            await delivery.deliver(inbound, outbound, message, done, runner.refused_output)
            runner.delivered()  # only now may a stage forget outputs it released into this batch
        except AUTHORIZATION_ERRORS as error:
            # One line that names the principal, the operation and the resource, then stop: no retry loop.
            self._denial = denial(error, topic_operation="Write")
            log.critical(
                "not_authorized",
                stage=runner.name,
                principal=self._settings.kafka_sasl_username,
                operation=self._denial.operation,
                resource=self._denial.resource,
                names=list(self._denial.names),
                reason=self._denial.explain(self._settings.kafka_sasl_username),
            )
            self._fail(message, delivery, inbound, done)
            self.denied.set()
        except ProducerFenced:
            # Another instance now owns this transactional id: this one is a zombie and must stop, not retry.
            log.critical("fenced", stage=runner.name, instance=self._settings.instance_id)
            self._fail(message, delivery, inbound, done)
            self.fenced.set()
        except Exception as error:
            self._metrics.batch_attempts.labels(runner.name, "failed").inc()
            remaining = self._fail(message, delivery, inbound, done)
            failures = self._stuck.failed(runner.name, remaining, error)
            pause = self._stuck.backoff_s(failures)
            # The traceback once per streak; then a line per attempt, further apart each time.
            event = {"stage": runner.name, "records": len(remaining), "attempt": failures, "retry_in_s": round(pause, 2)}
            if failures == 1:
                log.exception("batch_failed", **event)
            else:
                log.error("batch_failed", error=f"{type(error).__name__}: {error}", **event)  # noqa: TRY400 - the traceback was logged once
            await asyncio.sleep(pause)
        else:
            self._metrics.batch_attempts.labels(runner.name, "delivered").inc()
            self._stuck.succeeded(runner.name, inbound)
        finally:
            self._track(runner.name, inbound, -1)
            duration = time.perf_counter() - started
            for piece in done:
                runner.confirm(piece.batch, piece.outbound, duration)
            if done:
                self._metrics.batch_duration.labels(runner.name).observe(duration)

    @staticmethod
    def _fail(message: KafkaMessage, delivery: Delivery, inbound: list[Inbound], done: list[Delivered]) -> list[Inbound]:
        """Rewind what was not delivered; returns those records."""
        if not delivery.commits_pieces:
            done.clear()  # nothing was committed: every record is taken again
        delivered = {(item.lineage.topic, item.lineage.partition, item.lineage.offset) for piece in done for item in piece.batch}
        remaining = [item for item in inbound if (item.lineage.topic, item.lineage.partition, item.lineage.offset) not in delivered]
        _rewind(message.consumer, remaining)
        return remaining

    async def _broker_reachable(self) -> tuple[bool, str]:
        if self._broker_state != "connected":
            return False, self._broker_state
        reachable = await self._broker.ping(timeout=2.0)
        return reachable, "ok" if reachable else "broker not reachable"

    async def _access_granted(self) -> tuple[bool, str]:
        if self._denial is None:
            return True, "ok"
        return False, self._denial.explain(self._settings.kafka_sasl_username)

    async def _stages_ready(self) -> tuple[bool, str]:
        """Stage state restored (dedup) and models loaded (tag: loaded before the stage exists)."""
        return all_ready((runner.name, runner.stage.ready if isinstance(runner.stage, Readiness) else True) for runner in self._runners)

    async def _partitions_assigned(self) -> tuple[bool, str]:
        flags = [(name, bool(sub.consumer and sub.consumer.assignment())) for name, sub in self._subscribers.items()]
        return all_ready(flags)

    async def _partitions_advancing(self) -> tuple[bool, str]:
        stuck = self._stuck.stuck()
        return (not stuck, "ok" if not stuck else "stuck: " + "; ".join(stuck))

    async def _lag_of(self, consumer: Any, name: str, partition: TopicPartition, end: int) -> int:
        """End offset (read_committed: the last stable offset) minus the position, plus records in flight.

        Not minus the committed offset: under exactly-once each transaction leaves a marker after its last
        record, so a caught-up group's committed offset stays one short of the end for ever.
        """
        try:
            position = int(await asyncio.wait_for(consumer.position(partition), timeout=5.0))
        except (TimeoutError, Exception):  # noqa: BLE001 - no position yet (just assigned): fall back on the committed offset
            position = int(await consumer.committed(partition) or 0)
        return max(0, end - position) + self._in_flight[name, partition.topic, partition.partition]

    async def _refresh_lag(self) -> None:
        current: set[tuple[str, str, str]] = set()
        for name, subscriber in self._subscribers.items():
            consumer = subscriber.consumer
            assignment = list(consumer.assignment()) if consumer else []
            if not consumer or not assignment:
                continue
            end_offsets = await consumer.end_offsets(assignment)
            for partition in assignment:
                labels = (name, partition.topic, str(partition.partition))
                self._metrics.consumer_lag.labels(*labels).set(await self._lag_of(consumer, name, partition, end_offsets[partition]))
                current.add(labels)
        for gone in self._lag_labels - current:  # partitions revoked by a rebalance stop being reported
            self._metrics.consumer_lag.remove(*gone)
        self._lag_labels = current

    async def _watch_lag(self) -> None:
        while True:
            try:
                await self._refresh_lag()
            except Exception as error:  # noqa: BLE001 - a failed look-up must not stop the next one; the broker may be restarting
                log.warning("lag_refresh_failed", error=f"{type(error).__name__}: {error}")
            await asyncio.sleep(self._settings.lag_interval_s)

    async def start(self, prepare: Callable[[], Awaitable[object]] | None = None) -> None:
        """Serve /healthz at once; wait for the broker (with /readyz saying so), run `prepare`, then consume."""
        self._server_task = asyncio.create_task(self._server.serve(), name="health-server")
        if self._bootstrap is not None:
            self._broker_state = "waiting for the broker"
            await wait_for_broker(self._settings, self._bootstrap, deadline_s=self._settings.broker_wait_s)
            await wait_for_coordinators(
                self._settings,
                self._bootstrap,
                groups=list(self._group_ids.values()),
                transactional_ids=[self._transactional_id(group) for group in self._group_ids.values()]
                if self._settings.delivery == "exactly-once"
                else [],
                deadline_s=_COORDINATOR_WAIT_S,
            )
        if prepare is not None:
            await prepare()
        for delivery in self._deliveries.values():
            await delivery.start()
        await self._broker.start()
        self._broker_state = "connected"
        self._lag_task = asyncio.create_task(self._watch_lag(), name="lag-watch")
        log.info("service_started", stages=list(self._subscribers), port=self._settings.http_port)

    async def stop(self) -> None:
        """Stop serving, consuming and producing, each step within what is left of `_STOP_BUDGET_S`.

        A step that overruns is logged by name and left behind: nothing uncommitted is lost by leaving (the
        offsets of undelivered batches were never committed, and an open transaction is aborted by the broker or
        fenced by the next instance), and an orchestrator would kill a process that outstays its grace anyway.
        """
        deadline = time.monotonic() + _STOP_BUDGET_S
        if self._lag_task is not None:
            self._lag_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lag_task
        self._server.should_exit = True
        steps: list[tuple[str, Awaitable[object]]] = []
        if self._server_task is not None:
            steps.append(("health server", self._server_task))
        steps.append(("consumers", self._broker.stop()))
        steps += [(f"{stage} producer", delivery.stop()) for stage, delivery in self._deliveries.items()]
        for name, step in steps:
            try:
                await asyncio.wait_for(step, timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                log.warning("stop_step_overran", step=name, budget_s=_STOP_BUDGET_S)
        log.info("service_stopped", stages=list(self._subscribers))
