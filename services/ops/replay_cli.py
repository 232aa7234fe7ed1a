"""`newsflow replay` and `newsflow dlq redrive` (their options are in services.cli)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from services.chassis.admin import create_topics
from services.chassis.chain import Step
from services.chassis.metrics import Metrics
from services.ops.local_broker import ensure_bootstrap
from services.ops.progress import Progress
from services.ops.redrive import RedriveConflictError, RedriveFilter, redrive
from services.ops.replay import ReplayRequest, ReplayResult, replay
from services.ops.replay_naming import input_stage, output_topics, replay_group, stage_chain
from services.ops.replay_positions import parse_position
from services.pipeline import make_runners, open_stages
from services.settings import Settings
from services.topology import DEAD_LETTER_REASONS


async def _replay_until_signalled(
    settings: Settings, bootstrap: str, steps: list[Step], request: ReplayRequest, progress: Progress
) -> ReplayResult:
    """The replay; SIGINT or SIGTERM stops it after the batch in flight is committed."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        return await replay(settings, bootstrap, steps, request, progress=progress, stop=stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def cmd_replay(settings: Settings, args: argparse.Namespace) -> int:
    topic, stage = input_stage(args.topic, settings.topic_prefix, args.stage)
    names = stage_chain(stage, args.through)
    start, stop = parse_position(args.start), parse_position(args.stop)
    if args.resume and not args.group:
        raise ValueError("--resume needs the --group of the replay to resume")
    if args.rate is not None and args.rate <= 0:
        raise ValueError("--rate must be positive")
    topics = output_topics(settings.topic_prefix, args.output_version)
    group = replay_group(settings.group_prefix, stage, args.group, datetime.now(UTC))
    suffix = group.rsplit(".", 1)[-1]
    bootstrap = ensure_bootstrap(settings)
    outputs = sorted({name for stage_name in names for name in topics.outputs_of(stage_name)})
    asyncio.run(create_topics(settings, bootstrap, outputs))
    request = ReplayRequest(
        topic=topic,
        group=group,
        start=start,
        stop=stop,
        resume=args.resume,
        rate=args.rate,
        batch_size=args.batch_size or settings.batch_max_records,
    )
    # Dedup reuses the live decisions, so replayed offsets keep their verdicts; --fresh-state (or --dedup-state) decides afresh.
    fresh = args.fresh_state or args.dedup_state is not None
    stage_settings = settings.for_replay(args.dedup_state, fresh=fresh)
    metrics = Metrics(CollectorRegistry())
    progress = Progress(f"replay {topic} ({','.join(names)})", 0, stream=sys.stderr, interactive=sys.stderr.isatty())
    # Into the live topics, a record handed on in process is not published: the running stages would process it again.
    publish_intermediate = args.output_version is not None
    with open_stages(names, stage_settings, metrics, replay=not fresh) as stages:
        # The same runners as `run`: the same attempts, keyed-input checks and size limits.
        steps = [Step(runner, publish_intermediate) for runner in make_runners(stages, topics, metrics, settings)]
        result = asyncio.run(_replay_until_signalled(settings, bootstrap, steps, request, progress))
    sys.stdout.write(f"replayed {result.records} records of {topic} through {','.join(names)} (group {result.group})\n")
    for name, count in sorted(result.produced.items()):
        sys.stdout.write(f"  {name}: {count}\n")
    if result.interrupted:
        sys.stdout.write(f"interrupted; carry on with the same arguments and --group {suffix} --resume\n")
        return 1
    return 0


def _time(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    position = parse_position(text)
    if position.kind != "time" or position.time is None:
        raise ValueError(f"{flag} takes an ISO 8601 time, not {text!r}")
    return position.time


def cmd_dlq_redrive(settings: Settings, args: argparse.Namespace) -> int:
    unknown = sorted(set(args.reason or ()) - set(DEAD_LETTER_REASONS))
    if unknown:
        raise ValueError(f"unknown --reason {', '.join(unknown)}; choose from {', '.join(sorted(DEAD_LETTER_REASONS))}")
    chosen_by = RedriveFilter(
        reasons=frozenset(args.reason or ()),
        stage=args.stage,
        since=_time(args.since, "--since"),
        until=_time(args.until, "--until"),
    )
    dlq_topic = args.dlq_topic if args.dlq_topic.startswith(settings.topic_prefix) else settings.topic_prefix + args.dlq_topic
    bootstrap = ensure_bootstrap(settings)
    try:
        report = asyncio.run(redrive(settings, bootstrap, dlq_topic, chosen_by, dry_run=args.dry_run))
    except RedriveConflictError as error:
        sys.stderr.write(f"newsflow: {error}\n")
        return 1
    sys.stdout.write("\n".join(report.lines(args.verbose)) + "\n")
    return 0
