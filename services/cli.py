"""`newsflow`: the one entry point. Settings are read here, once, and handed down.

Only the options live here. Each command's code is imported when that command runs, so `newsflow run`
loads the service and nothing of the bench, the evaluation or the replay tools.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeAlias, cast

import structlog

from services.acls_cli import add_acls_commands
from services.settings import Settings
from services.topology import DLQ, STAGE_ORDER

REPO_ROOT = Path(__file__).resolve().parent.parent
EXIT_NOT_AUTHORIZED = 3
DATA_DIR = REPO_ROOT.parent / "shared" / "data"

Handler = Callable[[Settings, argparse.Namespace], int]
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # argparse exports no public name for it


def _handler(parser: argparse.ArgumentParser, target: str) -> None:
    """`target` is "module:function", imported only when the command runs."""
    parser.set_defaults(handler=target)


def _add_service_commands(commands: Commands) -> None:
    run = commands.add_parser("run", help="run stages on Kafka (all of them unless --stage)")
    run.add_argument("--stage", help="one stage (clean, dedup or tag) or a comma-separated list")
    run.add_argument(
        "--local-broker", action="store_true", help="with no KAFKA_BOOTSTRAP_SERVERS, start the development broker from deploy/kafka"
    )
    _handler(run, "services.ops.run:cmd_run")

    process = commands.add_parser("process", help="run stages over JSON lines with no broker")
    process.add_argument("--stages", default=",".join(STAGE_ORDER), help="comma-separated stages, e.g. clean,dedup")
    process.add_argument("input", nargs="?", default="-", help="JSON-lines file of raw events (default: stdin)")
    _handler(process, "services.ops.process:cmd_process")

    produce = commands.add_parser("produce", help="publish raw events from a JSON-lines file to the raw topic")
    produce.add_argument("file")
    _handler(produce, "services.ops.produce:cmd_produce")

    topics = commands.add_parser("topics", help="topic administration")
    topic_commands = topics.add_subparsers(dest="topics_command", required=True)
    create = topic_commands.add_parser("create", help="create every newsflow topic that does not exist")
    _handler(create, "services.ops.run:cmd_topics_create")

    demo = commands.add_parser("demo", help="the whole pipeline on seeds/, on the local broker unless one is configured")
    demo.add_argument("--seeds", default=str(REPO_ROOT / "seeds"), help="folder of *.jsonl raw events")
    _handler(demo, "services.ops.demo:cmd_demo")


def _add_tool_commands(commands: Commands) -> None:
    schemas = commands.add_parser("schemas", help="write schemas/ from the models (or --check that it is current)")
    schemas.add_argument("--dir", default=str(REPO_ROOT / "schemas"))
    schemas.add_argument("--check", action="store_true")
    _handler(schemas, "services.ops.tools:cmd_schemas")

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
    _handler(evaluate, "services.ops.tools:cmd_eval")


def _add_replay_commands(commands: Commands) -> None:
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
    run.add_argument(
        "--fresh-state",
        action="store_true",
        help="dedup decides afresh from an empty state (default: the live decisions, so replayed offsets keep their verdicts)",
    )
    run.add_argument("--dedup-state", type=Path, help="a dedup state file of the replay's own (decides afresh into it)")
    _handler(run, "services.ops.replay_cli:cmd_replay")

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
    _handler(again, "services.ops.replay_cli:cmd_dlq_redrive")


def _add_bench_command(commands: Commands) -> None:
    bench = commands.add_parser("bench", help="every stage against its bare limits (transport, compute, model), in one run")
    bench.add_argument("--articles", type=int, help="corpus size in raw events (default 1500; --quick 300)")
    bench.add_argument("--duplicate-share", type=float, default=0.2, help="share of the corpus that duplicates earlier articles")
    bench.add_argument("--html-share", type=float, default=0.25, help="share of unique articles published as HTML (the rest as page text)")
    bench.add_argument(
        "--tag-articles", type=int, help="first raw events whose unique articles feed the tagger and pipeline runs (default 300)"
    )
    bench.add_argument("--stages", help="comma-separated, from clean, dedup, clean-dedup, tag, pipeline (default: all)")
    bench.add_argument("--skip-transport", action="store_true", help="leave out the aiokafka and kcat pass-through limits")
    bench.add_argument("--quick", action="store_true", help="a small corpus, short latency runs, no 2-process runs: a minute or two")
    bench.add_argument("--latency-seconds", type=float, help="how long each latency run offers load (default 15; --quick 5; 0 skips)")
    bench.add_argument("--load", type=float, default=0.5, help="offered load of the latency runs, as a fraction of saturation")
    bench.add_argument("--seed", type=int, default=1, help="corpus seed")
    bench.add_argument("--data", default=str(DATA_DIR), help="evaluation data folder (seeds/ when absent)")
    bench.add_argument("--seeds", default=str(REPO_ROOT / "seeds"))
    bench.add_argument("--json", default="bench-results.json", help="where the figures go (default ./bench-results.json)")
    bench.add_argument("--keep-topics", action="store_true", help="keep the run's topics (default: deleted at the end)")
    bench.add_argument("--work-dir", help="keep the stage processes' logs here (default: a temporary folder)")
    _handler(bench, "services.bench.cli:cmd_bench")

    secure = commands.add_parser(
        "bench-security",
        help="the same corpus through a plaintext and a SASL_SSL broker (SCRAM, ACLs, a principal per stage), side by side",
    )
    secure.add_argument("--articles", type=int, default=1500, help="raw events of the clean + dedup runs (default 1500)")
    secure.add_argument("--tag-articles", type=int, default=200, help="first raw events fed to the whole pipeline (default 200)")
    secure.add_argument("--rounds", type=int, default=1, help="plaintext/secured pairs, alternating (default 1)")
    secure.add_argument("--secured-port", type=int, default=19592, help="port of the local secured broker (started if needed)")
    secure.add_argument("--data", default=str(DATA_DIR), help="evaluation data folder (seeds/ when absent)")
    secure.add_argument("--seeds", default=str(REPO_ROOT / "seeds"))
    secure.add_argument("--json", default="bench-security.json", help="where the figures go (default ./bench-security.json)")
    secure.add_argument("--work-dir", help="keep the stage processes' logs here (default: a temporary folder)")
    _handler(secure, "services.bench.cli:cmd_bench_security")

    scale = commands.add_parser(
        "bench-dedup", help="the dedup state at a week's volume: memory, latency, restore, journal, Redis (minutes; not part of bench)"
    )
    scale.add_argument("--per-day", type=int, default=200_000, help="articles a day (default 200,000)")
    scale.add_argument("--days", type=float, default=7.0, help="days in the window to fill (default 7)")
    scale.add_argument("--sample", type=int, default=20_000, help="articles decided in each timed segment after the fill")
    scale.add_argument("--instances", type=int, default=3, help="dedup instances sharing Redis (default 3)")
    scale.add_argument("--skip-redis", action="store_true", help="only the embedded state")
    scale.add_argument("--redis-days", type=float, help="days of the feed Redis is filled with by deciding them (default: --days)")
    scale.add_argument("--data", default=str(DATA_DIR), help="evaluation data (real bodies for fingerprints/s)")
    scale.add_argument("--json", default="bench-dedup-results.json", help="where the figures go")
    _handler(scale, "services.bench.cli:cmd_bench_dedup")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description="Streaming ingestion of news articles on Kafka.")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_service_commands(commands)
    _add_tool_commands(commands)
    _add_replay_commands(commands)
    _add_bench_command(commands)
    add_acls_commands(commands)
    return parser


def load_handler(target: str | Handler) -> Handler:
    """A command's handler: "module:function" is imported now; a function (from a light module) is taken as it is."""
    if not isinstance(target, str):
        return target
    module_name, _, function = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is None or not module_name.startswith(error.name):
            raise
        raise ValueError(f"{module_name} is not part of this installation (the bench runs from a checkout of the repository)") from error
    return cast("Handler", getattr(module, function))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as error:
        sys.stderr.write(f"newsflow: invalid settings: {error}\n")
        return 2
    from services.chassis.logs import configure_logging  # noqa: PLC0415 - after --help, which needs no logging

    configure_logging(settings.log_format, settings.log_level, coalesce_s=settings.log_coalesce_s)
    try:
        return int(load_handler(args.handler)(settings, args))
    except ValueError as error:
        sys.stderr.write(f"newsflow: {error}\n")
        return 2
    except OSError as error:  # a missing or unreadable file named on the command line
        sys.stderr.write(f"newsflow: {error.strerror or error}: {error.filename}\n" if error.filename else f"newsflow: {error}\n")
        return 1
    except Exception as error:  # noqa: BLE001 - told apart below; anything not known is raised again
        return _kafka_failure(error, settings)


def _kafka_failure(error: Exception, settings: Settings) -> int:
    """One line (no traceback) for a broker that refuses access or cannot be reached; anything else is raised again."""
    # Imported here: these pull in the Kafka client, which `--help` and the offline commands do not need.
    from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, denial, diagnose_connection  # noqa: PLC0415
    from services.chassis.admin import BrokerUnreachableError  # noqa: PLC0415
    from services.chassis.kafka import KafkaConnectionError, KafkaError  # noqa: PLC0415
    from services.ops.local_broker import LocalKafkaError  # noqa: PLC0415

    log = structlog.get_logger("newsflow.cli")
    if isinstance(error, AUTHORIZATION_ERRORS):
        # Where the refusal came from is unknown here: say what was refused, not which operation.
        error = AccessDenied(denial(error, topic_operation="access"), settings.kafka_sasl_username)
    if isinstance(error, AccessDenied):
        refused = error.denial
        log.error(
            "not_authorized",
            principal=settings.kafka_sasl_username,
            operation=refused.operation,
            resource=refused.resource,
            names=list(refused.names),
            reason=str(error),
        )
        return EXIT_NOT_AUTHORIZED
    if isinstance(error, KafkaConnectionError):
        bootstrap = settings.kafka_bootstrap_servers or f"localhost:{settings.local_kafka_port}"
        reason = asyncio.run(diagnose_connection(settings, bootstrap)) or str(error)
        # One line, no traceback: the reason says what to fix.
        log.error("kafka_connection_failed", bootstrap=bootstrap, security_protocol=settings.kafka_security_protocol, reason=reason)
        return 1
    if isinstance(error, BrokerUnreachableError | LocalKafkaError | KafkaError):
        sys.stderr.write(f"newsflow: {error}\n")
        return 1
    raise error


if __name__ == "__main__":
    sys.exit(main())
