"""`newsflow replay` and `newsflow dlq redrive`: the commands, wired into services.cli by `add_replay_commands`.

Until the lead wires them, `python -m services.replay_cli replay ...` runs them on their own.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry

from services.chassis.admin import create_topics
from services.chassis.local_kafka import ensure_bootstrap
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.pipeline import open_stages
from services.progress import Progress
from services.redrive import RedriveConflictError, RedriveFilter, redrive
from services.replay import ReplayRequest, ReplayResult, replay
from services.replay_naming import STAGE_OUTPUTS, input_stage, output_topics, replay_group, stage_chain
from services.replay_positions import parse_position
from services.settings import Settings
from services.topics import DLQ, STAGE_ORDER


async def _replay_until_signalled(
    settings: Settings, bootstrap: str, runners: list[StageRunner], request: ReplayRequest, progress: Progress
) -> ReplayResult:
    """The replay; SIGINT or SIGTERM stops it after the batch in flight is committed."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        return await replay(settings, bootstrap, runners, request, progress=progress, stop=stop)
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
    outputs = sorted({topics.name(base) for name in names for base in STAGE_OUTPUTS[name]})
    asyncio.run(create_topics(settings, bootstrap, outputs))
    request = ReplayRequest(
        topic=topic,
        group=group,
        start=start,
        stop=stop,
        resume=args.resume,
        rate=args.rate,
        batch_size=args.batch_size or settings.batch_max_records,
        # Into the live topics, a record handed on in process is not published: the running stages would process it again.
        publish_intermediate=args.output_version is not None,
    )
    # A replay's dedup decisions start empty (or from --dedup-state), never from the running service's state file.
    stage_settings = settings.model_copy(update={"dedup_state_path": args.dedup_state})
    metrics = Metrics(CollectorRegistry())
    progress = Progress(f"replay {topic} ({','.join(names)})", 0, stream=sys.stderr, interactive=sys.stderr.isatty())
    with open_stages(names, stage_settings, metrics) as stages:
        runners = [StageRunner(one, topics, metrics, settings.max_payload_bytes) for one in stages]
        result = asyncio.run(_replay_until_signalled(settings, bootstrap, runners, request, progress))
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


def add_replay_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `replay` and `dlq redrive` to newsflow's subcommands."""
    run = commands.add_parser("replay", help="reprocess a stretch of an input topic's history through its stage")
    run.add_argument("--topic", required=True, help="input topic, e.g. articles.raw (the prefix is applied to a base name)")
    run.add_argument("--from", dest="start", default="beginning", help="beginning, an offset (in every partition) or an ISO time")
    run.add_argument("--to", dest="stop", default="end", help="end (at start time), an offset or an ISO time; exclusive")
    run.add_argument("--stage", choices=STAGE_ORDER, help="the stage to run (default: the stage whose input the topic is)")
    run.add_argument("--through", choices=STAGE_ORDER, help="run the following stages too, in process, up to this one")
    run.add_argument("--output-version", help="write to versioned topics, e.g. v2 -> articles.enriched.v2 (created if missing)")
    run.add_argument("--group", help="name of the replay (default: a UTC timestamp); its consumer group is <prefix>.replay.<stage>.<name>")
    run.add_argument("--resume", action="store_true", help="carry on an interrupted replay (needs its --group)")
    run.add_argument("--rate", type=float, help="at most this many records per second")
    run.add_argument("--batch-size", type=int, help="records per batch and transaction (default: NEWSFLOW_BATCH_MAX_RECORDS)")
    run.add_argument("--dedup-state", type=Path, help="dedup state file for the replay (default: a fresh in-memory state)")
    run.set_defaults(handler=cmd_replay)

    dlq = commands.add_parser("dlq", help="dead-letter topic tools")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    again = dlq_commands.add_parser("redrive", help="re-submit dead letters to their original topic, each at most once")
    again.add_argument("--reason", action="append", help="only this reason (repeatable)")
    again.add_argument("--since", help="only letters that failed at or after this ISO time")
    again.add_argument("--until", help="only letters that failed before this ISO time")
    again.add_argument("--stage", choices=STAGE_ORDER, help="only letters of this stage")
    again.add_argument("--dlq-topic", default=DLQ, help="dead-letter topic (default: articles.dlq, with the prefix)")
    again.add_argument("--dry-run", action="store_true", help="say what would be redriven, send nothing")
    again.add_argument("--verbose", action="store_true", help="one line per dead letter")
    again.set_defaults(handler=cmd_dlq_redrive)
