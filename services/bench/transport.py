"""The transport limit: the same messages passed through with no processing, by aiokafka and by kcat (librdkafka).

The aiokafka pass-through consumes at read_committed in batches of the stage's size and publishes each
batch as a stage does: in one transaction with its offsets (exactly-once), or with every acknowledgement
awaited before the commit (at-least-once). kcat is the faster reference client: a full read, a produce
from a file, and a consume-to-produce pipe.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import OffsetAndMetadata

from services.bench.compute import Encoded
from services.bench.stats import rate
from services.chassis.kafka import aiokafka_options, make_producer
from services.settings import Settings


def _figure(name: str, records: int, size: int, seconds: float, **extra: Any) -> dict[str, Any]:
    return {
        "client": name,
        "records": records,
        "seconds": round(seconds, 3),
        "articles_per_s": round(rate(records, seconds), 2),
        "mb_per_s": round(rate(size / 2**20, seconds), 3),
        **extra,
    }


async def aiokafka_passthrough(
    settings: Settings, bootstrap: str, source: str, sink: str, *, records: int, size: int, group: str, exactly_once: bool
) -> dict[str, Any]:
    """Consume `records` from `source` and publish them to `sink` unchanged; timed from the first fetch to the last commit."""
    options = aiokafka_options(settings)
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        enable_auto_commit=False,
        max_partition_fetch_bytes=max(settings.fetch_max_bytes // 4, settings.max_message_bytes),
        fetch_max_bytes=settings.fetch_max_bytes,
        **options,
    )
    producer = make_producer(settings, bootstrap, transactional_id=f"{group}.tx" if exactly_once else None)
    await producer.start()
    await consumer.start()
    moved = 0
    started: float | None = None
    try:
        while moved < records:
            batches = await consumer.getmany(timeout_ms=settings.batch_timeout_ms, max_records=settings.batch_max_records)
            batch = [record for partition_records in batches.values() for record in partition_records]
            if not batch:
                continue
            started = started if started is not None else time.perf_counter()
            offsets = {partition: OffsetAndMetadata(rs[-1].offset + 1, "") for partition, rs in batches.items() if rs}
            if exactly_once:
                async with producer.transaction():
                    for record in batch:
                        await producer.send(sink, record.value, key=record.key)
                    await producer.send_offsets_to_transaction(offsets, group)
            else:
                pending = [await producer.send(sink, record.value, key=record.key) for record in batch]
                await asyncio.gather(*pending)
                await consumer.commit(offsets)
            moved += len(batch)
        seconds = time.perf_counter() - (started or time.perf_counter())
    finally:
        await consumer.stop()
        await producer.stop()
    mode = "exactly-once" if exactly_once else "at-least-once"
    return _figure(f"aiokafka-{mode}", moved, size, seconds, delivery=mode, batch_max_records=settings.batch_max_records)


def _kcat(settings: Settings) -> str | None:
    """kcat on PATH, for a PLAINTEXT broker (the reference runs need no credentials handed to another tool)."""
    return shutil.which("kcat") if settings.kafka_security_protocol == "PLAINTEXT" else None


def _timed(command: str) -> float:
    started = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", command], check=True, capture_output=True, timeout=600)  # noqa: S603 - fixed kcat commands
    return time.perf_counter() - started


def kcat_runs(
    settings: Settings, bootstrap: str, source: str, sink_prefix: str, records: Sequence[Encoded], *, work_dir: Path
) -> list[dict[str, Any]]:
    """A full read of `source` at read_committed, a produce from a file, and a consume | produce pipe; [] without kcat."""
    kcat = _kcat(settings)
    if kcat is None:
        return []
    size = sum(len(record.value) for record in records)
    lines = work_dir / f"{source}.kcat"
    lines.write_bytes(b"".join((record.key or b"") + b"\t" + record.value + b"\n" for record in records))
    common = f"-b {bootstrap} -X message.max.bytes={settings.max_message_bytes}"
    # fetch.wait.max.ms: librdkafka sees the end of a partition only on an empty fetch, which waits 500 ms by default.
    read = (
        f"{kcat} -C {common} -t {source} -o beginning -e -q -X isolation.level=read_committed "
        f"-X fetch.message.max.bytes={settings.max_message_bytes} -X fetch.wait.max.ms=10"
    )
    produce = f"{kcat} -P {common} -X acks=all -X enable.idempotence=true -K '\t'"
    results = [_figure("kcat-read", len(records), size, _timed(f"{read} -f '%k\\t%s\\n' > /dev/null"))]
    results.append(_figure("kcat-produce", len(records), size, _timed(f"{produce} -t {sink_prefix}produce -l {lines}")))
    results.append(_figure("kcat-pipe", len(records), size, _timed(f"{read} -f '%k\\t%s\\n' | {produce} -t {sink_prefix}pipe")))
    lines.unlink()
    return results
