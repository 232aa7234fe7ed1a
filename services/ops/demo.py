"""The main job end to end: broker, topics, all stages, the seeds published, the outputs shown as they arrive."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from prometheus_client import CollectorRegistry

from services.chassis.admin import create_topics, delete_topics
from services.chassis.kafka import make_broker, make_consumer
from services.chassis.metrics import Metrics
from services.chassis.service import StageService
from services.ops.local_broker import ensure_bootstrap
from services.ops.produce import produce_lines
from services.pipeline import make_runners, open_stages
from services.settings import Settings
from services.topics import DLQ, DUPLICATES, ENRICHED, STAGE_ORDER, Topics


def describe(base_topic: str, value: dict[str, Any]) -> str:
    """One line per output record: id, title, verdict and top entities."""
    title = (value.get("title") or "")[:60]
    if base_topic == ENRICHED:
        summary = value.get("summary", {})
        top = "; ".join(f"{kind}: {', '.join(names[:3])}" for kind, names in summary.items() if names)
        return f"UNIQUE     {value['id']:<28} {title!r}  [{top or 'no entities'}]"
    if base_topic == DUPLICATES:
        return f"DUPLICATE  {value['id']:<28} {title!r}  {value['kind']} of {value['duplicate_of']} (similarity {value['similarity']:.2f})"
    return f"REJECTED   {value.get('article_id') or '-':<28} {value['stage']}: {value['reason']} ({value['detail'][:70]})"


async def _show_outputs(
    settings: Settings, bootstrap: str, topics: Topics, *, expected: int, timeout_s: float, out: TextIO
) -> Counter[str]:
    bases = {topics.name(base): base for base in (ENRICHED, DUPLICATES, DLQ)}
    consumer = make_consumer(settings, bootstrap, *bases)
    await consumer.start()
    counts: Counter[str] = Counter()
    deadline = time.monotonic() + timeout_s
    try:
        while sum(counts.values()) < expected and time.monotonic() < deadline:
            for partition, records in (await consumer.getmany(timeout_ms=500)).items():
                for record in records:
                    base = bases[partition.topic]
                    counts[base] += 1
                    out.write(describe(base, json.loads(record.value)) + "\n")
                    out.flush()
    finally:
        await consumer.stop()
    return counts


async def run_demo(settings: Settings, bootstrap: str, lines: list[bytes], out: TextIO, timeout_s: float = 180.0) -> bool:
    """Returns True when every seed event came out on enriched, duplicates or the DLQ."""
    started = time.monotonic()
    # Topics and groups of its own per run, so the demo's outputs are its own even on a broker that has seen earlier runs.
    own_topics = not settings.topic_prefix
    settings = settings.for_demo(f"demo-{uuid.uuid4().hex[:8]}")
    topics = Topics(settings.topic_prefix)
    out.write(f"broker {bootstrap}, topics {topics.name('articles.*')}, consumer groups {settings.group_prefix}.*\n")
    metrics = Metrics(CollectorRegistry())
    with open_stages(STAGE_ORDER, settings, metrics) as stages:
        runners = make_runners(stages, topics, metrics, settings)
        service = StageService(settings, make_broker(settings, bootstrap), runners, metrics, bootstrap=bootstrap)
        try:
            await service.start(partial(create_topics, settings, bootstrap, topics.all()))
            sent = await produce_lines(settings, bootstrap, topics.input_of("clean"), lines)
            out.write(f"published {sent} raw events\n\n")
            counts = await _show_outputs(settings, bootstrap, topics, expected=sent, timeout_s=timeout_s, out=out)
        finally:
            await service.stop()
            if own_topics:
                await delete_topics(settings, bootstrap, topics.all())
    seen = sum(counts.values())
    out.write(
        f"\n{seen}/{sent} events accounted for in {time.monotonic() - started:.1f}s: "
        f"{counts[ENRICHED]} enriched, {counts[DUPLICATES]} duplicates, {counts[DLQ]} dead letters\n"
    )
    if own_topics:
        out.write(f"removed the demo's topics {topics.name('articles.*')}\n")
    return seen == sent


def demo(settings: Settings, seeds_dir: Path, out: TextIO) -> bool:
    """Start the local broker when none is configured, then run the demo on every seeds/*.jsonl event."""
    lines = [line for path in sorted(seeds_dir.glob("*.jsonl")) for line in path.read_bytes().splitlines() if line.strip()]
    bootstrap = ensure_bootstrap(settings)
    return asyncio.run(run_demo(settings, bootstrap, lines, out))


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    return 0 if demo(settings, Path(args.seeds), sys.stdout) else 1
