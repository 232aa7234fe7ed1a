"""The bench's own Kafka clients: topics, pre-loading an input topic, paced producing, and the output accountant."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.bench.compute import Encoded
from services.chassis.admin import create_topics
from services.chassis.kafka import make_admin, make_consumer, make_producer
from services.settings import Settings

_LEADER_TIMEOUT_S = 30.0
_LEADER_GRACE_S = 0.5  # the broker takes leadership a moment after metadata names it


async def ensure_topics(settings: Settings, bootstrap: str, names: Sequence[str]) -> None:
    """Create the topics (newsflow's partitions and sizes) and wait until every partition has a leader."""
    await create_topics(settings, bootstrap, list(names))
    admin = make_admin(settings, bootstrap, client_id="newsflow-bench")
    await admin.start()
    try:
        deadline = time.monotonic() + _LEADER_TIMEOUT_S
        while time.monotonic() < deadline:
            described = await admin.describe_topics(list(names))
            partitions = [partition for topic in described for partition in topic["partitions"]]
            settled = all(topic["error_code"] == 0 for topic in described) and all(
                partition["error_code"] == 0 and partition["leader"] >= 0 for partition in partitions
            )
            if settled and partitions:
                break
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
    await asyncio.sleep(_LEADER_GRACE_S)


async def delete_topics_with_prefix(settings: Settings, bootstrap: str, prefix: str) -> list[str]:
    """Delete every topic whose name starts with `prefix` (a bench run's own); returns their names."""
    admin = make_admin(settings, bootstrap, client_id="newsflow-bench")
    await admin.start()
    try:
        names = sorted(name for name in await admin.list_topics() if name.startswith(prefix))
        if names:
            await admin.delete_topics(names)
        return names
    finally:
        await admin.close()


async def preload(settings: Settings, bootstrap: str, topic: str, records: Sequence[Encoded]) -> float:
    """Publish every record and wait for every acknowledgement; returns the seconds it took."""
    producer = make_producer(settings, bootstrap, linger_ms=20, max_batch_size=1024 * 1024)
    await producer.start()
    started = time.perf_counter()
    try:
        pending = [await producer.send(topic, record.value, key=record.key) for record in records]
        await asyncio.gather(*pending)
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def produce_paced(settings: Settings, bootstrap: str, topic: str, records: Sequence[Encoded], rate: float) -> dict[bytes, float]:
    """Send record i at start + i / rate, stamped with its send time; returns each key's send time (epoch s)."""
    producer = make_producer(settings, bootstrap)
    await producer.start()
    sent: dict[bytes, float] = {}
    try:
        started = time.monotonic()
        pending = []
        for index, record in enumerate(records):
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.time()
            pending.append(await producer.send(topic, record.value, key=record.key, timestamp_ms=int(now * 1000)))
            sent[record.key or b""] = now
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


@dataclass
class Outputs:
    """Every output record seen at read_committed, first sighting per key (article id)."""

    received_at: dict[bytes, float] = field(default_factory=dict)  # epoch s the bench's reader got it
    log_time: dict[bytes, float] = field(default_factory=dict)  # the record's timestamp (the stage's publish time)
    records: int = 0
    per_topic: dict[str, int] = field(default_factory=dict)

    @property
    def last_log_time(self) -> float:
        return max(self.log_time.values(), default=0.0)


class Accountant:
    """Reads output topics from the start at read_committed until every expected key has come out."""

    def __init__(self, settings: Settings, bootstrap: str, topics: Sequence[str]) -> None:
        self._consumer = make_consumer(settings, bootstrap, *topics, fetch_max_wait_ms=50, fetch_max_bytes=64 * 1024 * 1024)
        self.outputs = Outputs()

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def until(self, keys: int, timeout_s: float) -> bool:
        """Read until `keys` distinct keys are seen or the time is up; True when all came."""
        deadline = time.monotonic() + timeout_s
        while len(self.outputs.received_at) < keys:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            batches = await self._consumer.getmany(timeout_ms=int(min(left, 0.5) * 1000), max_records=5_000)
            now = time.time()
            for partition, records in batches.items():
                self.outputs.per_topic[partition.topic] = self.outputs.per_topic.get(partition.topic, 0) + len(records)
                for record in records:
                    self.outputs.records += 1
                    key = record.key or b""
                    if key not in self.outputs.received_at:
                        self.outputs.received_at[key] = now
                        self.outputs.log_time[key] = record.timestamp / 1000
        return True
