"""`newsflow`: the one entry point. Settings are read here, once, and handed down."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import structlog
from aiokafka.errors import KafkaConnectionError
from prometheus_client import CollectorRegistry

from services.acls_cli import add_acls_commands
from services.bench_cli import add_bench_commands
from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, denial, diagnose_connection
from services.chassis.admin import create_topics, ensure_stage_topics
from services.chassis.local_kafka import ensure_bootstrap
from services.chassis.logs import configure_logging
from services.chassis.metrics import Metrics
from services.chassis.service import StageService, make_broker
from services.pipeline import make_runners, open_stages, parse_stage_names
from services.replay_cli import add_replay_commands
from services.settings import Settings
from services.topics import STAGE_ORDER, Topics

REPO_ROOT = Path(__file__).resolve().parent.parent
EXIT_NOT_AUTHORIZED = 3
log = structlog.get_logger("newsflow.cli")


async def _serve_until_signalled(service: StageService) -> int:
    """Serve until SIGINT or SIGTERM (exit 0); exit 1 when fenced by a newer instance, 3 when the broker refuses access."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await service.start()
    try:
        waiters = [asyncio.create_task(event.wait()) for event in (stop, service.fenced, service.denied)]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
    finally:
        await service.stop()
    if service.denied.is_set():
        return EXIT_NOT_AUTHORIZED
    return 1 if service.fenced.is_set() else 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    names = parse_stage_names(args.stage or ",".join(STAGE_ORDER))
    bootstrap = ensure_bootstrap(settings)
    topics = Topics(settings.topic_prefix)
    # Only the topics these stages read and write: a least-privilege principal can see no others.
    asyncio.run(ensure_stage_topics(settings, bootstrap, topics.needed_by(names)))
    metrics = Metrics(CollectorRegistry())
    with open_stages(names, settings, metrics) as stages:
        runners = make_runners(stages, topics, metrics, settings)
        service = StageService(settings, make_broker(settings, bootstrap), runners, metrics, bootstrap=bootstrap)
        return asyncio.run(_serve_until_signalled(service))


def _open_input(path: str) -> BinaryIO:
    # Bytes, not text: a line that is not UTF-8 must reach the decoder and be dead-lettered, not crash the reader.
    return sys.stdin.buffer if path == "-" else Path(path).open("rb")


def cmd_process(settings: Settings, args: argparse.Namespace) -> int:
    from services.process import OfflinePipeline, chain, write_jsonl  # noqa: PLC0415 - keeps `run` start-up lean

    names = parse_stage_names(args.stages)
    if "dedup_state_path" not in settings.model_fields_set:
        # An offline run starts from empty state unless told otherwise, so the same input gives the same output.
        settings = settings.model_copy(update={"dedup_state_path": None})
    topics = Topics(settings.topic_prefix)
    metrics = Metrics(CollectorRegistry())
    with open_stages(names, settings) as stages:
        steps_and_flags = chain(stages)
        runners = make_runners([stage for stage, _ in steps_and_flags], topics, metrics, settings)
        steps = [(runner, publishes) for runner, (_, publishes) in zip(runners, steps_and_flags, strict=True)]
        source = _open_input(args.input)
        try:
            write_jsonl(OfflinePipeline(steps, topics).run(source, settings.batch_max_records), sys.stdout)
        finally:
            if source is not sys.stdin.buffer:
                source.close()
    return 0


def cmd_produce(settings: Settings, args: argparse.Namespace) -> int:
    from services.produce import produce_lines  # noqa: PLC0415 - only this command needs the producer

    bootstrap = ensure_bootstrap(settings)
    topic = Topics(settings.topic_prefix).input_of("clean")
    lines = Path(args.file).read_bytes().splitlines()
    sent = asyncio.run(produce_lines(settings, bootstrap, topic, lines))
    sys.stdout.write(f"published {sent} events to {topic}\n")
    return 0


def cmd_topics_create(settings: Settings, _args: argparse.Namespace) -> int:
    bootstrap = ensure_bootstrap(settings)
    topics = Topics(settings.topic_prefix).all()
    created = asyncio.run(create_topics(settings, bootstrap, topics))
    for name in topics:
        sys.stdout.write(f"{'created' if name in created else 'exists '} {name}\n")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from services.demo import demo  # noqa: PLC0415 - only this command needs it

    return 0 if demo(settings, Path(args.seeds), sys.stdout) else 1


def cmd_schemas(_settings: Settings, args: argparse.Namespace) -> int:
    from services import schemas  # noqa: PLC0415 - only this command needs it

    directory = Path(args.dir)
    if args.check:
        stale = schemas.stale(directory)
        for name in stale:
            sys.stderr.write(f"schemas/{name} is out of date: run `newsflow schemas`\n")
        return 1 if stale else 0
    for name in schemas.write(directory):
        sys.stdout.write(f"wrote {directory / name}\n")
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.path)
    if args.what == "extraction":
        from services.eval.unspaced_extraction import (  # noqa: PLC0415 - evaluation pulls in heavy modules
            evaluate_unspaced_extraction,
            is_unspaced_extraction_dir,
        )

        if is_unspaced_extraction_dir(path):  # extraction-zh-dev: character bigrams, not word shingles
            sys.stdout.write(evaluate_unspaced_extraction(path).render() + "\n")
            return 0
        if args.no_site_learning:
            from services.eval.extraction import evaluate_extraction  # noqa: PLC0415 - evaluation pulls in heavy modules

            sys.stdout.write(evaluate_extraction(path, site_learning=False).render() + "\n")
        else:
            from services.eval.heldout import evaluate_heldout  # noqa: PLC0415 - evaluation pulls in heavy modules

            sys.stdout.write(evaluate_heldout(path, folds=args.folds).render() + "\n")
    elif args.what == "entities":
        from services.eval.entities import evaluate_entities, options_without  # noqa: PLC0415 - evaluation pulls in heavy modules

        report = evaluate_entities(path, options=options_without(args.without), documents=args.documents)
        sys.stdout.write(report.render() + "\n")
    elif args.what == "mojibake":
        from services.eval.mojibake import data_paragraphs, evaluate_mojibake  # noqa: PLC0415 - evaluation pulls in heavy modules

        sys.stdout.write(evaluate_mojibake(data_paragraphs(path)).render() + "\n")
    else:
        from services.eval.duplicates import evaluate_duplicates  # noqa: PLC0415 - evaluation pulls in heavy modules

        sys.stdout.write(evaluate_duplicates(path, clean=not args.no_clean).render() + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description="Streaming ingestion of news articles on Kafka.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run stages on Kafka (all of them unless --stage)")
    run.add_argument("--stage", help="one stage (clean, dedup or tag) or a comma-separated list")
    run.set_defaults(handler=cmd_run)

    process = commands.add_parser("process", help="run stages over JSON lines with no broker")
    process.add_argument("--stages", default=",".join(STAGE_ORDER), help="comma-separated stages, e.g. clean,dedup")
    process.add_argument("input", nargs="?", default="-", help="JSON-lines file of raw events (default: stdin)")
    process.set_defaults(handler=cmd_process)

    produce = commands.add_parser("produce", help="publish raw events from a JSON-lines file to the raw topic")
    produce.add_argument("file")
    produce.set_defaults(handler=cmd_produce)

    topics = commands.add_parser("topics", help="topic administration")
    topic_commands = topics.add_subparsers(dest="topics_command", required=True)
    topic_commands.add_parser("create", help="create every newsflow topic that does not exist").set_defaults(handler=cmd_topics_create)

    demo = commands.add_parser("demo", help="the whole pipeline on seeds/, on the local broker unless one is configured")
    demo.add_argument("--seeds", default=str(REPO_ROOT / "seeds"), help="folder of *.jsonl raw events")
    demo.set_defaults(handler=cmd_demo)

    schemas = commands.add_parser("schemas", help="write schemas/ from the models (or --check that it is current)")
    schemas.add_argument("--dir", default=str(REPO_ROOT / "schemas"))
    schemas.add_argument("--check", action="store_true")
    schemas.set_defaults(handler=cmd_schemas)

    evaluate = commands.add_parser("eval", help="measure quality on evaluation data")
    evaluate.add_argument("what", choices=["extraction", "entities", "duplicates", "mojibake"])
    evaluate.add_argument(
        "path",
        help=(
            "extraction: data folder (extraction-dev; extraction-zh-dev is scored on character bigrams); entities: CoNLL file; "
            "duplicates: events.jsonl, or an extraction folder to build duplicate renderings from (extraction-zh-dev); "
            "mojibake: the data folder (../shared/data)"
        ),
    )
    evaluate.add_argument(
        "--no-site-learning", action="store_true", help="extraction without per-site template learning (fitted figures only)"
    )
    evaluate.add_argument("--folds", type=int, default=5, help="extraction: cross-validation folds, grouped by site (default 5)")
    evaluate.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="CORRECTION",
        help="entities with a correction of the tag stage off (repeatable)",
    )
    evaluate.add_argument("--documents", help="entities on a slice of the file's documents, START:END (e.g. 0:300)")
    evaluate.add_argument("--no-clean", action="store_true", help="duplicates: dedup on the events' text as it is, without the clean stage")
    evaluate.set_defaults(handler=cmd_eval)

    add_replay_commands(commands)
    add_bench_commands(commands)
    add_acls_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as error:
        sys.stderr.write(f"newsflow: invalid settings: {error}\n")
        return 2
    configure_logging(settings.log_format, settings.log_level)
    try:
        return int(args.handler(settings, args))
    except ValueError as error:
        sys.stderr.write(f"newsflow: {error}\n")
        return 2
    except AccessDenied as error:
        _log_denied(error, settings)
        return EXIT_NOT_AUTHORIZED
    except AUTHORIZATION_ERRORS as error:
        _log_denied(AccessDenied(denial(error, topic_operation="Describe"), settings.kafka_sasl_username), settings)
        return EXIT_NOT_AUTHORIZED
    except KafkaConnectionError as error:
        bootstrap = settings.kafka_bootstrap_servers or f"localhost:{settings.local_kafka_port}"
        reason = asyncio.run(diagnose_connection(settings, bootstrap)) or str(error)
        # One line, no traceback: the reason says what to fix.
        log.error(  # noqa: TRY400
            "kafka_connection_failed", bootstrap=bootstrap, security_protocol=settings.kafka_security_protocol, reason=reason
        )
        return 1


def _log_denied(error: AccessDenied, settings: Settings) -> None:
    refused = error.denial
    log.error(
        "not_authorized",
        principal=settings.kafka_sasl_username,
        operation=refused.operation,
        resource=refused.resource,
        names=list(refused.names),
        reason=str(error),
    )


if __name__ == "__main__":
    sys.exit(main())
